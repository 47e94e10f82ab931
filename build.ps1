#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the PSAnomalyAE module.
.DESCRIPTION
    Tasks (run in the order given):
      Build  publishes the engine and cmdlets for this platform and assembles an importable module in
             out/PSAnomalyAE: the manifest, PSAnomalyAE.dll, help and format files at the top, and the engine,
             TorchSharp and the native libtorch libraries of this platform in dependencies/.
      Test   builds, runs the engine's xunit tests and the Pester tests against the built module, prints the
             totals and exits non-zero on any failure.
      Demo   builds and runs examples/Demo.ps1: generates server metrics with injected incidents, trains on
             the normal period and prints the rows it flags.
      Clean  removes out/ and the projects' bin/ and obj/ folders.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    ./build.ps1 Build, Demo -Configuration Debug
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to leave out, e.g. Slow.
    [string[]] $ExcludeTag = @()
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'PSAnomalyAE'
$Staging = Join-Path $Out 'staging'
$PesterVersion = '5.7.1'
. (Join-Path $Root 'tools/LibTorchSharpCompat.ps1')
. (Join-Path $Root 'tools/Build-Help.ps1')

function Get-Rid {
    $arch = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    "$os-$arch"
}

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    Write-Verbose "$Command $($Arguments -join ' ')"
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    [xml] $props = Get-Content -Raw (Join-Path $Root 'Directory.Build.props')
    $props.Project.PropertyGroup.ModuleVersion | Where-Object { $_ } | Select-Object -First 1
}

# libtorch ships files that nothing loads (Python bindings, test backends); they are left out of the module.
$UnusedNatives = @(
    'libtorch_python.*', 'libnnapi_backend.*', 'libjitbackend_test.*', 'libtorchbind_test.*',
    'libbackend_with_compiler.*', 'libaoti_custom_ops.*', 'libshm.*', 'libtorch_global_deps.*',
    'torch_python.dll', 'torch_global_deps.dll', 'uv.dll', 'libiompstubs5md.dll', 'backend_with_compiler.dll',
    'jitbackend_test.dll', 'torchbind_test.dll', 'aoti_custom_ops.dll', 'shm.dll'
)

# The PowerShell Gallery's platform tag for each platform's module.
$PlatformTag = @{ 'linux-x64' = 'Linux'; 'win-x64' = 'Windows'; 'osx-arm64' = 'MacOS' }

function Copy-IfChanged {
    param([IO.FileInfo] $Source, [string] $Destination)
    $target = Get-Item -LiteralPath $Destination -ErrorAction Ignore
    if ($target -and $target.Length -eq $Source.Length -and $target.LastWriteTimeUtc -eq $Source.LastWriteTimeUtc) { return $false }
    Copy-Item -LiteralPath $Source.FullName -Destination $Destination -Force
    return $true
}

function Invoke-Build {
    $rid = Get-Rid
    Write-Host "Building PSAnomalyAE ($Configuration, $rid)" -ForegroundColor Cyan
    $publish = Join-Path $Staging "publish-$rid"
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/PSAnomalyAE/PSAnomalyAE.csproj'), '-c', $Configuration, '-r', $rid,
        '--self-contained', 'false', '-o', $publish, '-nologo', '-v', 'quiet', '-p:GenerateRuntimeConfigurationFiles=false')

    $deps = Join-Path $ModuleOut 'dependencies'
    $null = New-Item -ItemType Directory -Force -Path $ModuleOut, $deps, (Join-Path $ModuleOut 'en-US')

    # The cmdlets assembly sits at the top (default load context); everything else goes to dependencies/.
    $top = @('PSAnomalyAE.dll', 'PSAnomalyAE.pdb')
    $skip = @('PSAnomalyAE.deps.json', 'System.Management.Automation.dll', 'PSAnomalyAE*.xml') + $UnusedNatives
    $wanted = @{}
    foreach ($file in Get-ChildItem -LiteralPath $publish -File) {
        if ($skip | Where-Object { $file.Name -like $_ }) { continue }
        $dest = if ($file.Name -in $top) { Join-Path $ModuleOut $file.Name } else { Join-Path $deps $file.Name }
        $wanted[$dest] = $true
        $null = Copy-IfChanged $file $dest
    }
    # Linux: let libLibTorchSharp.so load with an older libstdc++ (see tools/LibTorchSharpCompat.ps1).
    if ((Repair-LibTorchSharp -Folder $deps) -eq 'Patched') {
        Write-Host '  libLibTorchSharp.so: its GLIBCXX_3.4.32 requirement is now weak (it loads with an older libstdc++)'
    }
    foreach ($stale in Get-ChildItem -LiteralPath $deps -File) {
        if (-not $wanted.ContainsKey($stale.FullName)) { Remove-Item -LiteralPath $stale.FullName }
    }
    if (Test-Path (Join-Path $deps 'cpu')) { Remove-Item -Recurse -Force (Join-Path $deps 'cpu') }

    $version = Get-ModuleVersion
    $manifest = (Get-Content -Raw (Join-Path $Root 'module/PSAnomalyAE.psd1')) -replace '\{\{ModuleVersion\}\}', $version -replace '\{\{PlatformTag\}\}', $PlatformTag[$rid]
    Set-Content -LiteralPath (Join-Path $ModuleOut 'PSAnomalyAE.psd1') -Value $manifest -NoNewline
    Get-ChildItem -LiteralPath (Join-Path $Root 'module') -File -Filter '*.ps1xml' | Copy-Item -Destination $ModuleOut -Force
    Copy-Item -LiteralPath (Join-Path $Root 'LICENSE') -Destination $ModuleOut -Force
    Build-ModuleHelp -MarkdownFolder (Join-Path $Root 'docs/help') -OutputFolder (Join-Path $ModuleOut 'en-US') `
        -ModuleManifest (Join-Path $ModuleOut 'PSAnomalyAE.psd1')

    $size = (Get-ChildItem -LiteralPath $ModuleOut -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
    Write-Host ("  module: {0} ({1:N0} MB)" -f $ModuleOut, $size)
}

function Install-Pester {
    $folder = Join-Path $Out 'tools'
    $module = Join-Path $folder "Pester/$PesterVersion/Pester.psd1"
    if (-not (Test-Path -LiteralPath $module)) {
        # Pester comes from NuGet: restore it through a throwaway project and copy its module folder.
        $project = Join-Path $Staging 'pester-restore'
        $null = New-Item -ItemType Directory -Force -Path $project
        Set-Content -LiteralPath (Join-Path $project 'pester-restore.csproj') -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PesterVersion]" /></ItemGroup>
</Project>
"@
        $packages = Join-Path $Staging 'packages'
        Invoke-Native dotnet @('restore', $project, '--packages', $packages, '-nologo', '-v', 'quiet')
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $folder "Pester/$PesterVersion")
        Copy-Item -Path (Join-Path $packages "pester/$PesterVersion/tools/*") -Destination (Join-Path $folder "Pester/$PesterVersion") -Recurse -Force
    }
    return $module
}

function Invoke-Test {
    $rid = Get-Rid
    $results = Join-Path $Out 'test-results'
    $null = New-Item -ItemType Directory -Force -Path $results

    Write-Host 'Engine tests (xunit)' -ForegroundColor Cyan
    $testProject = Join-Path $Root 'tests/PSAnomalyAE.Engine.Tests/PSAnomalyAE.Engine.Tests.csproj'
    $testOut = Join-Path $Staging "engine-tests-$rid"
    Invoke-Native dotnet @('build', $testProject, '-c', $Configuration, '-r', $rid, '--self-contained', 'false', '-o', $testOut, '-nologo', '-v', 'quiet')
    $null = Repair-LibTorchSharp -Folder $testOut
    $xunitLog = Join-Path $results 'engine.trx'
    & dotnet test (Join-Path $testOut 'PSAnomalyAE.Engine.Tests.dll') --logger "trx;LogFileName=$xunitLog" --logger 'console;verbosity=normal'
    $xunitExit = $LASTEXITCODE
    [xml] $trx = Get-Content -Raw $xunitLog
    $c = $trx.TestRun.ResultSummary.Counters
    $xunit = [pscustomobject]@{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error; Skipped = [int]$c.notExecuted }

    Write-Host 'Module tests (Pester, against out/PSAnomalyAE)' -ForegroundColor Cyan
    $pester = Install-Pester
    $summary = Join-Path $results 'pester-summary.json'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -Force
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $Root 'tests/Pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.Filter.ExcludeTag = @($((@($ExcludeTag) | ForEach-Object { "'$_'" }) -join ','))
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$r = Invoke-Pester -Configuration `$c
[pscustomobject]@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } |
    ConvertTo-Json | Set-Content '$summary'
"@
    & (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -NoProfile -NonInteractive -Command $script
    $pesterResult = Get-Content -Raw $summary | ConvertFrom-Json

    $passed = $xunit.Passed + $pesterResult.Passed
    $failed = $xunit.Failed + $pesterResult.Failed
    $skipped = $xunit.Skipped + $pesterResult.Skipped
    Write-Host ''
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped" -f $xunit.Passed, $xunit.Failed, $xunit.Skipped)
    Write-Host ("Pester: {0} passed, {1} failed, {2} skipped" -f $pesterResult.Passed, $pesterResult.Failed, $pesterResult.Skipped)
    Write-Host ("Total: {0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
    if ($failed -gt 0 -or $xunitExit -ne 0 -or $passed -eq 0) { throw "Tests failed." }
}

function Invoke-Demo {
    & (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -NoProfile -NonInteractive -File (Join-Path $Root 'examples/Demo.ps1') -ModulePath (Join-Path $ModuleOut 'PSAnomalyAE.psd1')
    if ($LASTEXITCODE -ne 0) { throw "The demo failed." }
}

function Invoke-Clean {
    foreach ($path in @($Out) + (Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include bin, obj).FullName) {
        if ($path -and (Test-Path -LiteralPath $path)) { Remove-Item -LiteralPath $path -Recurse -Force }
    }
}

try {
    $built = $false
    foreach ($t in $Task) {
        switch ($t) {
            'Clean' { Invoke-Clean; $built = $false }
            'Build' { Invoke-Build; $built = $true }
            'Test' { if (-not $built) { Invoke-Build; $built = $true }; Invoke-Test }
            'Demo' { if (-not $built) { Invoke-Build; $built = $true }; Invoke-Demo }
        }
    }
}
catch {
    Write-Host "build.ps1: $($_.Exception.Message)" -ForegroundColor Red
    exit 1
}
