/** The Azure lab renderer of the logical plan (cdktf constructs and the pure generators they use). */
export * from "./common";
export * from "./dns";
export * from "./firewall-appliance";
export * from "../lab/guest/cloud-init";
export * from "../lab/guest/iptables";
export * from "./guest/linux-net";
export * from "../lab/guest/nginx";
export * from "./guest/powershell";
export * from "../lab/layout";
export * from "./load-balancer";
export * from "./names";
export * from "./network";
export * from "./nsg-rules";
export * from "./scenario";
export * from "./servers";
export * from "./vm";
export * from "./synthesize";
