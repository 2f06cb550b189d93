# edge-lab: federation configuration for Scenario 3 - Scaled consolidated Edge, DNS load balancing with private IP addresses using NAT (scaled-dnslb-nat).
# Generated from the scenario's plan; review, then run each block in the shell it names. Read-back checks: edge-lab checklist.

# [access-edge] Access Edge configuration: remote users, federation, partner discovery, DNS SRV routing.
# Runs in: Lync Server Management Shell, on a Front End Server of the federation route.
# Source: MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/configure-federation-with-skype-for-business-online.md (FED-05).
Set-CsAccessEdgeConfiguration -AllowOutsideUsers $true -AllowFederatedUsers $true -EnablePartnerDiscovery $true -UseDnsSrvRouting

# [hosting-provider-remove] Remove any existing hosting provider for sipfed.online.lync.com (the next command creates it with the right settings).
# Runs in: Lync Server Management Shell, on a Front End Server of the federation route.
# Source: MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbServer/manage/federation-and-external-access/federation-support/configuring-federation-support.md (FED-05, ms:hosting-provider).
Get-CsHostingProvider | Where-Object -Property 'ProxyFqdn' -EQ -Value 'sipfed.online.lync.com' | Remove-CsHostingProvider

# [hosting-provider] Hosting provider for Microsoft 365 tenants (federation with Teams / Skype for Business Online organisations; shared address space off).
# Runs in: Lync Server Management Shell, on a Front End Server of the federation route.
# Source: MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbServer/manage/federation-and-external-access/federation-support/configuring-federation-support.md (FED-05, ms:hosting-provider).
New-CsHostingProvider -Identity 'Office365' -ProxyFqdn 'sipfed.online.lync.com' -Enabled $true -EnabledSharedAddressSpace $false -HostsOCSUsers $false -VerificationLevel 'UseSourceVerification' -IsLocal $false
