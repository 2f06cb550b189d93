# edge-lab: federation and Microsoft 365 hybrid configuration for Contoso - Subscription Edition Edge pool (DNS LB, NAT) with Director, hybrid with Microsoft 365 (hybrid-se).
# Generated from the scenario's plan; review, then run each block in the shell it names. Read-back checks: edge-lab checklist.

# [access-edge] Access Edge configuration: remote users, federation, partner discovery, DNS SRV routing.
# Runs in: Skype for Business Server Management Shell, on a Front End Server of the federation route.
# Source: MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/configure-federation-with-skype-for-business-online.md (HYB-03, FED-05).
Set-CsAccessEdgeConfiguration -AllowOutsideUsers $true -AllowFederatedUsers $true -EnablePartnerDiscovery $true -UseDnsSrvRouting

# [hosting-provider-remove] Remove any existing hosting provider for sipfed.online.lync.com (the next command creates it with the right settings).
# Runs in: Skype for Business Server Management Shell, on a Front End Server of the federation route.
# Source: MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/configure-federation-with-skype-for-business-online.md (HYB-02, ms:hosting-provider).
Get-CsHostingProvider | Where-Object -Property 'ProxyFqdn' -EQ -Value 'sipfed.online.lync.com' | Remove-CsHostingProvider

# [hosting-provider] Hosting provider for Microsoft 365 with the shared SIP address space (hybrid).
# Runs in: Skype for Business Server Management Shell, on a Front End Server of the federation route.
# Source: MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/configure-federation-with-skype-for-business-online.md (HYB-02, ms:hosting-provider).
New-CsHostingProvider -Identity 'Office365' -ProxyFqdn 'sipfed.online.lync.com' -Enabled $true -EnabledSharedAddressSpace $true -HostsOCSUsers $true -VerificationLevel 'UseSourceVerification' -IsLocal $false -AutodiscoverUrl 'https://webdir.online.lync.com/Autodiscover/AutodiscoverService.svc/root'

# [tenant-shared-sip] Enable the shared SIP address space in the Microsoft 365 tenant (Teams PowerShell module, Connect-MicrosoftTeams first).
# Runs in: Microsoft Teams PowerShell module (Connect-MicrosoftTeams as a Teams administrator).
# Source: MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/configure-federation-with-skype-for-business-online.md; Microsoft Teams PowerShell module (Set-CsTenantFederationConfiguration); replaces the retired New-CsOnlineSession connector (HYB-02).
Set-CsTenantFederationConfiguration -SharedSipAddressSpace $true
