/*
 * Independent check of edge-lab's MS-TURN codec (lib/probe/msturn.ts) with libnice's STUN library in its OC2007
 * (MS-TURN) mode. Compiled by test/probe/msturn.test.ts:  cc nice-stun.c $(pkg-config --cflags --libs nice)
 *
 *   nice-stun validate <hex>
 *       stun_agent_validate() on the bytes, as libnice's OC2007 TURN client agent is set up (MSOC known attributes,
 *       long-term credentials, no attribute alignment); prints what libnice read, as one JSON object.
 *   nice-stun reply401 <request hex> <realm> <nonce> [<alternate ip> <alternate port>] [--aligned]
 *       the Allocate error response 401 an MS-TURN server sends to that request: MAGIC-COOKIE, ERROR-CODE 401, REALM,
 *       NONCE (libnice swaps their numbers in OC2007 mode), ALTERNATE-SERVER 0x000E, MS-VERSION.
 *   nice-stun reply-ok <request hex> <relay ip> <relay port> <reflexive ip> <reflexive port> [--aligned]
 *       the Allocate success response: MAGIC-COOKIE, MAPPED-ADDRESS (relay), XOR-MAPPED-ADDRESS 0x8020 (keyed with the
 *       TID's first word, as stun_usage_turn_process() reads it in OC2007 mode), LIFETIME, MS-VERSION.
 *   Replies print {"reply": hex, "libnice": <what libnice itself reads back from the reply>}.
 *   nice-stun read <reply hex>
 *       an Allocate answer from someone else (edge-lab's emulated A/V Edge): libnice's length check of the buffer and
 *       what its OC2007 client reads from it (class, method, ERROR-CODE, REALM, NONCE, ALTERNATE-SERVER, MS-VERSION,
 *       stun_usage_turn_process()), as {"libnice": {...}}.
 *   --aligned builds the reply with libnice's default 4-byte attribute padding instead of MS-TURN's none.
 *
 * Exit status: 0 done, 2 usage or unreadable request.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <stun/constants.h>
#include <stun/stunagent.h>
#include <stun/stunmessage.h>
#include <stun/usages/turn.h>

static const char *status_name (StunValidationStatus s)
{
  switch (s) {
    case STUN_VALIDATION_SUCCESS: return "SUCCESS";
    case STUN_VALIDATION_NOT_STUN: return "NOT_STUN";
    case STUN_VALIDATION_INCOMPLETE_STUN: return "INCOMPLETE_STUN";
    case STUN_VALIDATION_BAD_REQUEST: return "BAD_REQUEST";
    case STUN_VALIDATION_UNAUTHORIZED_BAD_REQUEST: return "UNAUTHORIZED_BAD_REQUEST";
    case STUN_VALIDATION_UNAUTHORIZED: return "UNAUTHORIZED";
    case STUN_VALIDATION_UNMATCHED_RESPONSE: return "UNMATCHED_RESPONSE";
    case STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE: return "UNKNOWN_REQUEST_ATTRIBUTE";
    case STUN_VALIDATION_UNKNOWN_ATTRIBUTE: return "UNKNOWN_ATTRIBUTE";
    case STUN_VALIDATION_FORBIDDEN: return "FORBIDDEN";
  }
  return "?";
}

static const char *turn_return_name (StunUsageTurnReturn r)
{
  switch (r) {
    case STUN_USAGE_TURN_RETURN_RELAY_SUCCESS: return "RELAY_SUCCESS";
    case STUN_USAGE_TURN_RETURN_MAPPED_SUCCESS: return "MAPPED_SUCCESS";
    case STUN_USAGE_TURN_RETURN_ERROR: return "ERROR";
    case STUN_USAGE_TURN_RETURN_INVALID: return "INVALID";
    case STUN_USAGE_TURN_RETURN_ALTERNATE_SERVER: return "ALTERNATE_SERVER";
  }
  return "?";
}

static size_t from_hex (const char *hex, uint8_t *out, size_t max)
{
  size_t n = strlen (hex) / 2, i;
  if (strlen (hex) % 2 || n > max) return (size_t) -1;
  for (i = 0; i < n; i++) {
    unsigned int v;
    if (sscanf (hex + 2 * i, "%2x", &v) != 1) return (size_t) -1;
    out[i] = (uint8_t) v;
  }
  return n;
}

static void print_hex (const uint8_t *b, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) printf ("%02x", b[i]);
}

/* JSON string of bytes (the realm and nonce used here are printable ASCII; anything else is escaped). */
static void print_json_bytes (const uint8_t *b, size_t n)
{
  size_t i;
  putchar ('"');
  for (i = 0; i < n; i++) {
    if (b[i] == '"' || b[i] == '\\') printf ("\\%c", b[i]);
    else if (b[i] < 0x20 || b[i] > 0x7e) printf ("\\u%04x", b[i]);
    else putchar (b[i]);
  }
  putchar ('"');
}

static void print_addr (const struct sockaddr_storage *ss)
{
  char ip[INET6_ADDRSTRLEN];
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *) ss;
    inet_ntop (AF_INET, &a->sin_addr, ip, sizeof ip);
    printf ("{\"address\":\"%s\",\"port\":%u}", ip, ntohs (a->sin_port));
  } else if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *) ss;
    inet_ntop (AF_INET6, &a->sin6_addr, ip, sizeof ip);
    printf ("{\"address\":\"%s\",\"port\":%u}", ip, ntohs (a->sin6_port));
  } else {
    printf ("null");
  }
}

static int parse_addr (const char *ip, const char *port, struct sockaddr_storage *ss, socklen_t *len)
{
  memset (ss, 0, sizeof *ss);
  if (strchr (ip, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *) ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons ((uint16_t) atoi (port));
    *len = sizeof *a;
    return inet_pton (AF_INET6, ip, &a->sin6_addr) == 1;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *) ss;
    a->sin_family = AF_INET;
    a->sin_port = htons ((uint16_t) atoi (port));
    *len = sizeof *a;
    return inet_pton (AF_INET, ip, &a->sin_addr) == 1;
  }
}

/* The agent libnice's own MS-TURN client uses (agent/discovery.c, OC2007 relay candidates). */
static void init_agent (StunAgent *agent, int aligned, int ignore_credentials)
{
  StunAgentUsageFlags flags = STUN_AGENT_USAGE_LONG_TERM_CREDENTIALS;
  if (!aligned) flags |= STUN_AGENT_USAGE_NO_ALIGNED_ATTRIBUTES;
  if (ignore_credentials) flags |= STUN_AGENT_USAGE_IGNORE_CREDENTIALS;
  stun_agent_init (agent, STUN_MSOC_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_OC2007, flags);
}

static int cmd_validate (const char *hex)
{
  static uint8_t buf[STUN_MAX_MESSAGE_SIZE];
  StunAgent agent, lenient;
  StunMessage msg, msg2;
  StunValidationStatus st, st2;
  size_t n = from_hex (hex, buf, sizeof buf);
  uint32_t v32;
  uint16_t alen;
  const uint8_t *p;
  StunTransactionId id;

  if (n == (size_t) -1) { fprintf (stderr, "nice-stun: not hex\n"); return 2; }
  init_agent (&agent, 0, 0);
  init_agent (&lenient, 0, 1);
  st = stun_agent_validate (&agent, &msg, buf, n, NULL, NULL);
  st2 = stun_agent_validate (&lenient, &msg2, buf, n, NULL, NULL);
  printf ("{\"validation\":\"%s\",\"validationIgnoringCredentials\":\"%s\"", status_name (st), status_name (st2));
  if (st == STUN_VALIDATION_NOT_STUN || st == STUN_VALIDATION_INCOMPLETE_STUN) {
    printf ("}\n");
    return 0;
  }
  stun_message_id (&msg, id);
  printf (",\"class\":%d,\"method\":%d,\"length\":%u,\"transactionId\":\"", (int) stun_message_get_class (&msg),
      (int) stun_message_get_method (&msg), (unsigned) stun_message_length (&msg));
  print_hex (id, sizeof id);
  printf ("\",\"hasRfc5389Cookie\":%s", stun_message_has_cookie (&msg) ? "true" : "false");
  printf (",\"magicCookie\":");
  if (stun_message_find32 (&msg, STUN_ATTRIBUTE_MAGIC_COOKIE, &v32) == STUN_MESSAGE_RETURN_SUCCESS) printf ("%u", v32);
  else printf ("null");
  printf (",\"msVersion\":");
  if (stun_message_find32 (&msg, STUN_ATTRIBUTE_MS_VERSION, &v32) == STUN_MESSAGE_RETURN_SUCCESS) printf ("%u", v32);
  else printf ("null");
  printf (",\"bandwidth\":");
  if (stun_message_find32 (&msg, STUN_ATTRIBUTE_BANDWIDTH, &v32) == STUN_MESSAGE_RETURN_SUCCESS) printf ("%u", v32);
  else printf ("null");
  printf (",\"usernameLength\":");
  p = stun_message_find (&msg, STUN_ATTRIBUTE_USERNAME, &alen);
  if (p) printf ("%u", alen);
  else printf ("null");
  printf (",\"hasMessageIntegrity\":%s}\n", stun_message_has_attribute (&msg, STUN_ATTRIBUTE_MESSAGE_INTEGRITY) ? "true" : "false");
  return 0;
}

/* Reads the request with the server-side agent, starts a reply of class `cls` with the request's transaction ID. */
static int start_reply (const char *hex, int aligned, StunAgent *agent, StunMessage *reply, uint8_t *out, size_t out_len,
    StunClass cls, StunTransactionId id)
{
  static uint8_t req[STUN_MAX_MESSAGE_SIZE];
  StunMessage request;
  StunValidationStatus st;
  size_t n = from_hex (hex, req, sizeof req);

  if (n == (size_t) -1) { fprintf (stderr, "nice-stun: request is not hex\n"); return 0; }
  init_agent (agent, aligned, 0);
  st = stun_agent_validate (agent, &request, req, n, NULL, NULL);
  if (st == STUN_VALIDATION_NOT_STUN || st == STUN_VALIDATION_INCOMPLETE_STUN) {
    fprintf (stderr, "nice-stun: libnice does not read the request: %s\n", status_name (st));
    return 0;
  }
  if (stun_message_get_class (&request) != STUN_REQUEST || stun_message_get_method (&request) != STUN_ALLOCATE) {
    fprintf (stderr, "nice-stun: not an Allocate request\n");
    return 0;
  }
  stun_message_id (&request, id);
  memset (reply, 0, sizeof *reply);
  reply->agent = agent;
  reply->buffer = out;
  reply->buffer_len = out_len;
  if (!stun_message_init (reply, cls, STUN_ALLOCATE, id)) return 0;
  /* [MS-TURN] 3.1.10: MAGIC-COOKIE first in every message. */
  return stun_message_append32 (reply, STUN_ATTRIBUTE_MAGIC_COOKIE, TURN_MAGIC_COOKIE) == STUN_MESSAGE_RETURN_SUCCESS;
}

static size_t finish (StunAgent *agent, StunMessage *reply)
{
  size_t len = stun_agent_finish_message (agent, reply, NULL, 0);
  return len ? len : stun_message_length (reply);
}

static int cmd_reply401 (int argc, char **argv, int aligned)
{
  static uint8_t out[4096];
  StunAgent agent;
  StunMessage reply;
  StunTransactionId id;
  struct sockaddr_storage alt, alt_back;
  socklen_t alt_len, alt_back_len = sizeof alt_back;
  size_t len;
  uint16_t rlen = 0, nlen = 0;
  const uint8_t *realm, *nonce;
  int code = 0;
  StunUsageTurnReturn r;
  struct sockaddr_storage relay, addr, alternate;
  socklen_t relay_len = sizeof relay, addr_len = sizeof addr, alternate_len = sizeof alternate;
  uint32_t bandwidth = 0, lifetime = 0;

  if (argc != 3 && argc != 5) { fprintf (stderr, "usage: reply401 <request hex> <realm> <nonce> [<ip> <port>]\n"); return 2; }
  if (!start_reply (argv[0], aligned, &agent, &reply, out, sizeof out, STUN_ERROR, id)) return 2;
  if (stun_message_append_error (&reply, STUN_ERROR_UNAUTHORIZED) != STUN_MESSAGE_RETURN_SUCCESS ||
      stun_message_append_string (&reply, STUN_ATTRIBUTE_REALM, argv[1]) != STUN_MESSAGE_RETURN_SUCCESS ||
      stun_message_append_string (&reply, STUN_ATTRIBUTE_NONCE, argv[2]) != STUN_MESSAGE_RETURN_SUCCESS)
    return 2;
  if (argc == 5) {
    if (!parse_addr (argv[3], argv[4], &alt, &alt_len)) { fprintf (stderr, "nice-stun: bad address\n"); return 2; }
    if (stun_message_append_addr (&reply, STUN_ATTRIBUTE_MS_ALTERNATE_SERVER, (struct sockaddr *) &alt, alt_len) != STUN_MESSAGE_RETURN_SUCCESS)
      return 2;
  }
  if (stun_message_append32 (&reply, STUN_ATTRIBUTE_MS_VERSION, 4) != STUN_MESSAGE_RETURN_SUCCESS) return 2;
  len = finish (&agent, &reply);

  printf ("{\"reply\":\"");
  print_hex (out, len);
  printf ("\",\"libnice\":{");
  /* libnice reading its own reply back (REALM/NONCE through its OC2007 number swap). */
  realm = stun_message_find (&reply, STUN_ATTRIBUTE_REALM, &rlen);
  nonce = stun_message_find (&reply, STUN_ATTRIBUTE_NONCE, &nlen);
  stun_message_find_error (&reply, &code);
  printf ("\"code\":%d,\"realm\":", code);
  if (realm) print_json_bytes (realm, rlen); else printf ("null");
  printf (",\"nonce\":");
  if (nonce) print_json_bytes (nonce, nlen); else printf ("null");
  printf (",\"alternateServer\":");
  if (stun_message_find_addr (&reply, STUN_ATTRIBUTE_MS_ALTERNATE_SERVER, &alt_back, &alt_back_len) == STUN_MESSAGE_RETURN_SUCCESS)
    print_addr (&alt_back);
  else
    printf ("null");
  r = stun_usage_turn_process (&reply, &relay, &relay_len, &addr, &addr_len, &alternate, &alternate_len, &bandwidth,
      &lifetime, STUN_USAGE_TURN_COMPATIBILITY_OC2007);
  printf (",\"turnProcess\":\"%s\"}}\n", turn_return_name (r));
  return 0;
}

static int cmd_reply_ok (int argc, char **argv, int aligned)
{
  static uint8_t out[4096];
  StunAgent agent;
  StunMessage reply;
  StunTransactionId id;
  struct sockaddr_storage relay_in, refl_in, relay, addr, alternate;
  socklen_t relay_in_len, refl_in_len, relay_len = sizeof relay, addr_len = sizeof addr, alternate_len = sizeof alternate;
  uint32_t key, bandwidth = 0, lifetime = 0;
  size_t len;
  StunUsageTurnReturn r;

  if (argc != 5) { fprintf (stderr, "usage: reply-ok <request hex> <relay ip> <relay port> <reflexive ip> <reflexive port>\n"); return 2; }
  if (!parse_addr (argv[1], argv[2], &relay_in, &relay_in_len) || !parse_addr (argv[3], argv[4], &refl_in, &refl_in_len)) {
    fprintf (stderr, "nice-stun: bad address\n");
    return 2;
  }
  if (!start_reply (argv[0], aligned, &agent, &reply, out, sizeof out, STUN_RESPONSE, id)) return 2;
  /* The XOR key stun_usage_turn_process() uses in OC2007 mode: the TID's first 4 bytes, read as a big-endian word. */
  key = ((uint32_t) id[0] << 24) | ((uint32_t) id[1] << 16) | ((uint32_t) id[2] << 8) | id[3];
  if (stun_message_append_addr (&reply, STUN_ATTRIBUTE_MAPPED_ADDRESS, (struct sockaddr *) &relay_in, relay_in_len) != STUN_MESSAGE_RETURN_SUCCESS ||
      stun_message_append_xor_addr_full (&reply, STUN_ATTRIBUTE_MS_XOR_MAPPED_ADDRESS, &refl_in, refl_in_len, key) != STUN_MESSAGE_RETURN_SUCCESS ||
      stun_message_append32 (&reply, STUN_ATTRIBUTE_LIFETIME, 480) != STUN_MESSAGE_RETURN_SUCCESS ||
      stun_message_append32 (&reply, STUN_ATTRIBUTE_MS_VERSION, 4) != STUN_MESSAGE_RETURN_SUCCESS)
    return 2;
  len = finish (&agent, &reply);

  r = stun_usage_turn_process (&reply, &relay, &relay_len, &addr, &addr_len, &alternate, &alternate_len, &bandwidth,
      &lifetime, STUN_USAGE_TURN_COMPATIBILITY_OC2007);
  printf ("{\"reply\":\"");
  print_hex (out, len);
  printf ("\",\"libnice\":{\"turnProcess\":\"%s\",\"relayed\":", turn_return_name (r));
  print_addr (&relay);
  printf (",\"reflexive\":");
  print_addr (&addr);
  printf (",\"lifetime\":%u}}\n", lifetime);
  return 0;
}

static int cmd_read (const char *hex, int aligned)
{
  static uint8_t buf[STUN_MAX_MESSAGE_SIZE];
  StunAgent agent;
  StunMessage msg;
  struct sockaddr_storage alt, relay, addr, alternate;
  socklen_t alt_len = sizeof alt, relay_len = sizeof relay, addr_len = sizeof addr, alternate_len = sizeof alternate;
  uint32_t v32, bandwidth = 0, lifetime = 0;
  uint16_t rlen = 0, nlen = 0;
  const uint8_t *realm, *nonce;
  int code = 0, length;
  StunUsageTurnReturn r;
  size_t n = from_hex (hex, buf, sizeof buf);

  if (n == (size_t) -1) { fprintf (stderr, "nice-stun: not hex\n"); return 2; }
  init_agent (&agent, aligned, 1);
  length = stun_message_validate_buffer_length (buf, n, aligned);
  printf ("{\"libnice\":{\"length\":%d", length);
  if (length <= 0) { printf ("}}\n"); return 0; }
  memset (&msg, 0, sizeof msg);
  msg.agent = &agent;
  msg.buffer = buf;
  msg.buffer_len = n;
  printf (",\"class\":%d,\"method\":%d", (int) stun_message_get_class (&msg), (int) stun_message_get_method (&msg));
  printf (",\"magicCookie\":");
  if (stun_message_find32 (&msg, STUN_ATTRIBUTE_MAGIC_COOKIE, &v32) == STUN_MESSAGE_RETURN_SUCCESS) printf ("%u", v32);
  else printf ("null");
  stun_message_find_error (&msg, &code);
  realm = stun_message_find (&msg, STUN_ATTRIBUTE_REALM, &rlen);
  nonce = stun_message_find (&msg, STUN_ATTRIBUTE_NONCE, &nlen);
  printf (",\"code\":%d,\"realm\":", code);
  if (realm) print_json_bytes (realm, rlen); else printf ("null");
  printf (",\"nonce\":");
  if (nonce) print_json_bytes (nonce, nlen); else printf ("null");
  printf (",\"alternateServer\":");
  if (stun_message_find_addr (&msg, STUN_ATTRIBUTE_MS_ALTERNATE_SERVER, &alt, &alt_len) == STUN_MESSAGE_RETURN_SUCCESS) print_addr (&alt);
  else printf ("null");
  printf (",\"msVersion\":");
  if (stun_message_find32 (&msg, STUN_ATTRIBUTE_MS_VERSION, &v32) == STUN_MESSAGE_RETURN_SUCCESS) printf ("%u", v32);
  else printf ("null");
  r = stun_usage_turn_process (&msg, &relay, &relay_len, &addr, &addr_len, &alternate, &alternate_len, &bandwidth,
      &lifetime, STUN_USAGE_TURN_COMPATIBILITY_OC2007);
  printf (",\"turnProcess\":\"%s\"}}\n", turn_return_name (r));
  return 0;
}

int main (int argc, char **argv)
{
  int aligned = 0;
  if (argc > 1 && strcmp (argv[argc - 1], "--aligned") == 0) {
    aligned = 1;
    argc--;
  }
  if (argc == 3 && strcmp (argv[1], "validate") == 0) return cmd_validate (argv[2]);
  if (argc == 3 && strcmp (argv[1], "read") == 0) return cmd_read (argv[2], aligned);
  if (argc >= 2 && strcmp (argv[1], "reply401") == 0) return cmd_reply401 (argc - 2, argv + 2, aligned);
  if (argc >= 2 && strcmp (argv[1], "reply-ok") == 0) return cmd_reply_ok (argc - 2, argv + 2, aligned);
  fprintf (stderr, "usage: nice-stun validate <hex> | reply401 ... | reply-ok ... [--aligned]\n");
  return 2;
}
