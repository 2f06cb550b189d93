import { join } from "node:path";
import { isIPv4 } from "node:net";
import { InvalidArgumentError } from "commander";
import { replaceDirectory } from "../../lib/io/atomic";
import { DEFAULT_NAME_SERVER_ADDRESS, zoneFiles } from "../../lib/lab/zones";
import type { RegisterCommand } from "./context";
import { withEndpointsOption, withPlan } from "./endpoints";

function ipv4(value: string): string {
  if (!isIPv4(value)) throw new InvalidArgumentError("expected an IPv4 address");
  return value;
}

function serial(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 4294967295) throw new InvalidArgumentError("expected an integer from 1 to 4294967295");
  return n;
}

export const registerZones: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  withEndpointsOption(
    program
      .command("zones")
      .description("write the DNS zone files (RFC 1035, one per view and zone) to <out>/<scenario id>/<view>/<zone>.zone")
      .argument("<file>", "scenario file (YAML)")
      .option("--out <dir>", "output directory", join("out", "zones"))
      .option("--ns-address <ip>", "address of the lab name server ns1.<zone> written into every zone", ipv4, DEFAULT_NAME_SERVER_ADDRESS)
      .option("--serial <n>", "SOA serial", serial, 1),
  ).action((file: string, options: { out: string; nsAddress: string; serial: number; m365Endpoints?: string }) => {
    const result = withPlan(file, options, ctx);
    if (!result) return;
    const zones = zoneFiles(result.plan, { nameServerAddress: options.nsAddress, serial: options.serial });
    const dir = join(options.out, result.plan.scenario.id);
    replaceDirectory(
      dir,
      zones.map((z) => ({ name: z.path, content: z.content })),
    );
    io.out(`${dir}: ${zones.length} zone files (${zones.map((z) => z.path).join(", ")})\n`);
  });
};
