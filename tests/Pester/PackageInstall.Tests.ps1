# The gallery path, offline: this platform's package (./build.ps1 Package) is published with PSResourceGet to a
# folder repository, installed into an empty profile and imported by name in a fresh pwsh, which trains on a tiny
# CSV and scores it. Everything happens under TestDrive: the child processes get their own HOME, so neither the
# user's module folders nor their registered repositories are touched. Tagged Package (see Package.Tests.ps1).
BeforeAll {
    $RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $rid = "$os-$([Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant())"
    $version = ([xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))).Project.PropertyGroup.ModuleVersion |
        Where-Object { $_ } | Select-Object -First 1
    $nupkg = Join-Path $RepoRoot "out/packages/$rid/PSAnomalyAE.$version.nupkg"
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

    function Invoke-IsolatedPwsh {
        <# Runs a script in a new pwsh whose HOME (and so its user module folder and PSResourceGet settings) is $HomeFolder. #>
        param([string] $HomeFolder, [string] $Script)
        # -u PSModulePath: the child must not inherit this session's module path (it would see the user's modules).
        # It runs in $HomeFolder: Publish-PSResource writes a default NuGet/NuGet.Config into the working folder.
        Push-Location -LiteralPath $HomeFolder
        try {
            $output = & /usr/bin/env -u PSModulePath -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME "HOME=$HomeFolder" `
                $pwsh -NoProfile -NonInteractive -Command "`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'`n$Script" 2>&1
        } finally { Pop-Location }
        if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed ($LASTEXITCODE): $($output -join "`n")" }
        $output
    }
}

Describe 'Publishing and installing the package with PSResourceGet' -Tag 'Package' {
    BeforeAll {
        $skip = if ($IsWindows) { 'the isolated profile is made with HOME, which Windows does not use for module folders' }
            elseif (-not (Test-Path -LiteralPath $nupkg)) { "there is no $rid package ($nupkg): run ./build.ps1 Package -Rid $rid" }
    }

    It 'publishes to a folder repository, installs into an empty profile, imports by name, trains and scores' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $home1 = Join-Path $TestDrive 'home'
        $feed = Join-Path $TestDrive 'feed'
        $null = New-Item -ItemType Directory -Force -Path $home1, $feed
        $csv = Join-Path $TestDrive 'metrics.csv'
        $rnd = [Random]::new(7)
        1..200 | ForEach-Object {
            $load = $rnd.NextDouble()
            [pscustomobject]@{ cpu_pct = [math]::Round(20 + 60 * $load, 2); requests_per_s = [math]::Round(100 + 900 * $load, 1) }
        } | Export-Csv -LiteralPath $csv -NoTypeInformation

        $installed = Invoke-IsolatedPwsh -HomeFolder $home1 -Script @"
Register-PSResourceRepository -Name PSAnomalyAELocal -Uri '$feed' -Trusted
Publish-PSResource -NupkgPath '$nupkg' -Repository PSAnomalyAELocal
Install-PSResource -Name PSAnomalyAE -Version '$version' -Repository PSAnomalyAELocal -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource -Name PSAnomalyAE -Scope CurrentUser).InstalledLocation
"@
        Join-Path $feed "PSAnomalyAE.$version.nupkg" | Should -Exist
        "$installed" | Should -BeLike "$home1*"

        $json = Invoke-IsolatedPwsh -HomeFolder $home1 -Script @"
Import-Module PSAnomalyAE
`$module = Get-Module PSAnomalyAE
`$model = Import-Csv '$csv' | Invoke-AETraining -Epochs 20 -Seed 1
`$rows = @(Import-Csv '$csv' | Select-Object -First 5) + [pscustomobject]@{ cpu_pct = '95'; requests_per_s = '120' }
`$scored = @(`$rows | Test-AEAnomaly -Model `$model)
[pscustomobject]@{
    Path = `$module.ModuleBase; Version = `$module.Version.ToString(); Scored = `$scored.Count
    NormalFlagged = @(`$scored | Select-Object -First 5 | Where-Object Anomaly).Count; OutlierFlagged = `$scored[-1].Anomaly
    CpuFolder = Test-Path (Join-Path `$module.ModuleBase 'dependencies/cpu')
} | ConvertTo-Json -Compress
"@
        $r = ($json | Select-Object -Last 1) | ConvertFrom-Json
        $r.Path | Should -BeLike "$home1*" -Because 'the module is imported from the installed copy'
        $r.Version | Should -Be $version
        $r.Scored | Should -Be 6
        $r.NormalFlagged | Should -BeLessOrEqual 1
        $r.OutlierFlagged | Should -BeTrue
        $r.CpuFolder | Should -BeFalse -Because 'TorchSharp found its natives in the installed module'
    }
}
