# The gallery path, offline: the packages of ./build.ps1 Package (PSAnomalyAE and this platform's runtime package)
# are published with PSResourceGet to one folder repository; Install-PSResource PSAnomalyAE installs the module
# into an empty profile; imported by name in a fresh pwsh it installs its runtime from the same repository on first
# use, then trains on a tiny CSV and scores it. Without the runtime in the repository (offline), the first use stops
# with one clear error. Everything happens under TestDrive: the child processes get their own HOME, so neither the
# user's module folders nor their registered repositories are touched. Tagged Package (see Package.Tests.ps1).
BeforeAll {
    $RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $rid = "$os-$([Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant())"
    $version = ([xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))).Project.PropertyGroup.ModuleVersion |
        Where-Object { $_ } | Select-Object -First 1
    $nupkg = Join-Path $RepoRoot "out/packages/PSAnomalyAE.$version.nupkg"
    $runtimeNupkg = Join-Path $RepoRoot "out/packages/PSAnomalyAE.Runtime.$rid.$version.nupkg"
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

Describe 'Publishing and installing the packages with PSResourceGet' -Tag 'Package' {
    BeforeAll {
        $skip = if ($IsWindows) { 'the isolated profile is made with HOME, which Windows does not use for module folders' }
            elseif (-not (Test-Path -LiteralPath $runtimeNupkg)) { "there is no $rid runtime package ($runtimeNupkg): run ./build.ps1 Package -Rid $rid" }
        $csv = Join-Path $TestDrive 'metrics.csv'
        $rnd = [Random]::new(7)
        1..200 | ForEach-Object {
            $load = $rnd.NextDouble()
            [pscustomobject]@{ cpu_pct = [math]::Round(20 + 60 * $load, 2); requests_per_s = [math]::Round(100 + 900 * $load, 1) }
        } | Export-Csv -LiteralPath $csv -NoTypeInformation
        function Install-FromFeed([string] $Name, [string[]] $Packages) {
            $homeFolder = Join-Path $TestDrive "$Name-home"
            $feed = Join-Path $TestDrive "$Name-feed"
            $null = New-Item -ItemType Directory -Force -Path $homeFolder, $feed
            $publish = ($Packages | ForEach-Object { "Publish-PSResource -NupkgPath '$_' -Repository PSAnomalyAELocal" }) -join "`n"
            $installed = Invoke-IsolatedPwsh -HomeFolder $homeFolder -Script @"
Register-PSResourceRepository -Name PSAnomalyAELocal -Uri '$feed' -Trusted
$publish
Install-PSResource -Name PSAnomalyAE -Repository PSAnomalyAELocal -Scope CurrentUser -TrustRepository -Quiet
@(Get-InstalledPSResource -Scope CurrentUser).Name -join ','
"@
            [pscustomobject]@{ Home = $homeFolder; Feed = $feed; Installed = "$($installed | Select-Object -Last 1)" }
        }
    }

    It 'installs PSAnomalyAE by name from one feed; its first use installs this platform''s runtime, then it trains and scores' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = Install-FromFeed 'online' $nupkg, $runtimeNupkg
        Join-Path $r.Feed "PSAnomalyAE.Runtime.$rid.$version.nupkg" | Should -Exist
        $r.Installed | Should -Be 'PSAnomalyAE' -Because 'Install-PSResource PSAnomalyAE brings the module alone'

        $script = @"
Import-Module PSAnomalyAE
`$module = Get-Module PSAnomalyAE
`$model = Import-Csv '$csv' | Invoke-AETraining -Epochs 20 -Seed 1 -WarningVariable w
`$rows = @(Import-Csv '$csv' | Select-Object -First 5) + [pscustomobject]@{ cpu_pct = '95'; requests_per_s = '120' }
`$scored = @(`$rows | Test-AEAnomaly -Model `$model)
[pscustomobject]@{
    Path = `$module.ModuleBase; Version = `$module.Version.ToString(); Scored = `$scored.Count
    NormalFlagged = @(`$scored | Select-Object -First 5 | Where-Object Anomaly).Count; OutlierFlagged = `$scored[-1].Anomaly
    Warning = "`$w"; Installed = @(Get-InstalledPSResource -Scope CurrentUser | Sort-Object Name).Name -join ','
    CpuFolder = Test-Path (Join-Path `$module.ModuleBase 'dependencies/cpu')
} | ConvertTo-Json -Compress
"@
        $first = (Invoke-IsolatedPwsh -HomeFolder $r.Home -Script $script | Select-Object -Last 1) | ConvertFrom-Json
        $first.Path | Should -BeLike "$($r.Home)*" -Because 'the module is imported from the installed copy'
        $first.Version | Should -Be $version
        $first.Warning | Should -BeLike "*PSAnomalyAE.Runtime.$rid $version*from the repository 'PSAnomalyAELocal'*"
        $first.Installed | Should -Be "PSAnomalyAE,PSAnomalyAE.Runtime.$rid"
        $first.Scored | Should -Be 6
        $first.NormalFlagged | Should -BeLessOrEqual 1
        $first.OutlierFlagged | Should -BeTrue
        $first.CpuFolder | Should -BeFalse -Because 'TorchSharp found its natives in the runtime module'

        $again = (Invoke-IsolatedPwsh -HomeFolder $r.Home -Script $script | Select-Object -Last 1) | ConvertFrom-Json
        $again.Warning | Should -BeNullOrEmpty -Because 'the runtime is installed once'
        $again.Scored | Should -Be 6
    }

    It 'stops the first use with one clear error when the runtime cannot be installed (offline)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = Install-FromFeed 'offline' $nupkg
        $json = Invoke-IsolatedPwsh -HomeFolder $r.Home -Script @"
Import-Module PSAnomalyAE
try { `$null = Import-Csv '$csv' | Invoke-AETraining -Epochs 1 -WarningAction SilentlyContinue; 'trained' }
catch { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Category = "`$(`$_.CategoryInfo.Category)"; Message = "`$_"; Action = `$_.ErrorDetails.RecommendedAction } | ConvertTo-Json -Compress }
"@
        $e = ($json | Select-Object -Last 1) | ConvertFrom-Json
        $e.Id | Should -Be 'NativeRuntimeNotInstalled,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $e.Category | Should -Be 'NotInstalled'
        $e.Message | Should -BeLike "PSAnomalyAE needs its native runtime for $rid (libtorch), the module PSAnomalyAE.Runtime.$rid $version, and it could not be installed from 'PSAnomalyAELocal':*"
        $e.Action | Should -BeLike "*Install-PSResource -Name PSAnomalyAE.Runtime.$rid -Version $version*Save-PSResource*"
    }
}
