/** A systemd oneshot unit that runs once at boot and stays "active" (firewall rules, static routes). */
export function oneshotUnit(props: {
  readonly description: string;
  readonly ordering: string;
  readonly execStart: string;
  /** Runs only when ExecStart succeeded; its failure fails the unit. @default none */
  readonly execStartPost?: string;
}): string {
  return [
    "[Unit]",
    `Description=${props.description}`,
    props.ordering,
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${props.execStart}`,
    ...(props.execStartPost ? [`ExecStartPost=${props.execStartPost}`] : []),
    "RemainAfterExit=yes",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}
