/**
 * The lab layer: what runs inside the lab, generated from the plan as text. The address layout, the guest
 * configuration of the Linux lab machines (firewall appliance iptables, reverse proxy nginx, systemd units,
 * cloud-config), the zone files, the emulated rulesets (nftables) and daemon configuration, and the escaping every
 * writer uses. The Azure lab (lib/azure), the emulation (lib/emulate) and the worksheets (lib/render) all build on
 * it, so each writes the same bytes.
 *
 * Pipeline: model <- lab <- {azure, emulate, render} <- bin. The lab imports the model only: no cdktf, no file,
 * network or process I/O (test/architecture/layers.test.ts). Not to be confused with lib/model/lab/, which holds the
 * model's facts about the lab (Azure address ranges, VM sizes, time zones, scenario text checks).
 */
export * from "./daemon-conf";
export * from "./escape";
export * from "./guest/cloud-init";
export * from "./guest/iptables";
export * from "./guest/nginx";
export * from "./guest/systemd";
export * from "./layout";
export * from "./rulesets";
export * from "./zones";
