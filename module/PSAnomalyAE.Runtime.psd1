# The manifest of a platform's runtime package, PSAnomalyAE.Runtime.<rid> (build.ps1 Package fills in the
# {{...}} values). It holds no commands: only the native libraries PSAnomalyAE loads on that platform, in native/.
@{
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '{{Guid}}'
    Author               = 'PSAnomalyAE contributors'
    CompanyName          = 'PSAnomalyAE'
    Copyright            = '(c) PSAnomalyAE contributors. MIT License; the native libraries under their own licenses (ThirdPartyNotices.txt).'
    Description          = 'The native runtime of PSAnomalyAE for {{Rid}}: libtorch 2.10 (CPU), LibTorchSharp, SkiaSharp and HarfBuzzSharp. Install-PSResource PSAnomalyAE brings it on first use; it has no commands of its own.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @()
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('PSAnomalyAE', 'libtorch', 'TorchSharp', 'PSEdition_Core', '{{PlatformTag}}')
        }
    }
}
