/**
 * A throwaway certificate authority per run (openssl), issuing the plan's certificates exactly as its certificate
 * table says: subject CN, SANs in order (no SAN extension when the table has none), server (and client) EKU. One key
 * and certificate per table row: a row installed on several servers (a pool, CERT-05) is the same key everywhere.
 */
import { makeNewDir, writeNewFile } from "./run-registry";
import { join } from "node:path";
import type { Certificate } from "../model/plan";
import { CommandError, sh, shAsync } from "./sys";

/** A new, unencrypted EC P-256 key (openssl req): the run CA's and every certificate's. */
const NEW_P256_KEY = ["-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
}

export class RunCa {
  readonly caCert: string;
  private readonly caKey: string;
  private serial = 1;

  constructor(private readonly dir: string) {
    makeNewDir(dir);
    this.caKey = join(dir, "ca.key");
    this.caCert = join(dir, "ca.crt");
    sh("openssl", ["req", "-x509", "-new", ...NEW_P256_KEY, "-days", "90", "-subj", "/CN=edge-lab emulate run CA", "-keyout", this.caKey, "-out", this.caCert]);
  }

  private readonly issued = new Map<string, { request: string; files: IssuedCertificate }>();

  /**
   * Issues a certificate with this subject and SANs (in order); `file` names the output files. Asking again for the
   * same file and request returns the first certificate (files are created once, never overwritten).
   */
  issue(file: string, subject: string, sans: readonly string[], eku: readonly ("server" | "client")[] = ["server"]): IssuedCertificate {
    const request = JSON.stringify([subject, sans, eku]);
    const earlier = this.issued.get(file);
    if (earlier) {
      if (earlier.request !== request) throw new Error(`edge-lab emulate: two different certificates named ${file}`);
      return earlier.files;
    }
    const key = join(this.dir, `${file}.key`);
    const csr = join(this.dir, `${file}.csr`);
    const cert = join(this.dir, `${file}.crt`);
    const ext = join(this.dir, `${file}.ext`);
    const usage = eku.map((e) => (e === "server" ? "serverAuth" : "clientAuth")).join(",");
    writeNewFile(
      ext,
      [`extendedKeyUsage=${usage}`, "basicConstraints=CA:FALSE", ...(sans.length ? [`subjectAltName=${sans.map((n) => `DNS:${n}`).join(",")}`] : [])].join(
        "\n",
      ) + "\n",
    );
    // The key and the signature in the background (openssl twice): every certificate of the run is issued at once,
    // and settled() waits for them before a daemon reads one.
    const openssl = async (args: string[]) => {
      const r = await shAsync("openssl", args, 15000);
      if (r.status !== 0) throw new CommandError(`openssl ${args.join(" ")} failed (exit ${r.status}): ${r.stderr.trim().slice(0, 2000)}`);
    };
    const serial = this.serial++;
    const done = openssl(["req", "-new", ...NEW_P256_KEY, "-subj", `/CN=${subject}`, "-keyout", key, "-out", csr]).then(() =>
      openssl([
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        this.caCert,
        "-CAkey",
        this.caKey,
        "-set_serial",
        String(serial),
        "-days",
        "90",
        "-extfile",
        ext,
        "-out",
        cert,
      ]),
    );
    done.catch(() => undefined); // reported by settled()
    this.pending.push(done);
    this.issued.set(file, { request, files: { cert, key } });
    return { cert, key };
  }

  private readonly pending: Promise<void>[] = [];

  /** Waits until every certificate issued so far is written; throws the first failure. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  issuePlanned(c: Certificate): IssuedCertificate {
    return this.issue(c.id, c.subject, c.sans, c.eku);
  }
}
