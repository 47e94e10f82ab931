#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the PSAnomalyAE module.
.DESCRIPTION
    Tasks (run in the order given):
      Build    publishes the engine and cmdlets for this platform (they and TorchSharp compiled ReadyToRun, so they
               start without the JIT) and assembles an importable module in out/PSAnomalyAE: the manifest,
               PSAnomalyAE.dll, help and format files at the top, and the engine, TorchSharp and the native libraries
               of this platform in dependencies/.
      Package  builds, then makes one feed for every platform in out/packages (a folder repository as it stands):
               PSAnomalyAE.<version>.nupkg, the module without native libraries, the same for every platform, and
               one runtime package per platform (-Rid; by default linux-x64, win-x64 and osx-arm64),
               PSAnomalyAE.Runtime.<rid>.<version>.nupkg, holding only that platform's native libraries in
               native/. PSAnomalyAE installs its platform's runtime package from the repository it came from on
               first use. Every package has LICENSE and ThirdPartyNotices.txt. Each folder is left beside its
               .nupkg (out/packages/<name>) for inspection.
      Test     builds, runs the engine's xunit tests and the Pester tests against the built module, prints the
               totals and exits non-zero on any failure. The Pester tests tagged Package (package contents, and
               publish/install through PSResourceGet) run only when out/packages holds this platform's runtime package,
               e.g. after './build.ps1 Package, Test'.
      Demo     builds and runs examples/Demo.ps1: generates server metrics with injected incidents, trains on
               the normal period and prints the rows it flags.
      Bench    builds, then prints speed figures (nothing asserts a time): the training benchmark
               (benchmarks/PSAnomalyAE.Bench: FlatAdam and the module's training loop against TorchSharp's Adam
               and PyTorch eager, at 1 and 2 threads, quiet and with the cores busy; -BenchArgument passes options
               such as '--rounds', '1'), then every benchmarks/*.ps1 that needs no parameters, against the built
               module: among them Measure-SessionTraining.ps1, Invoke-AETraining in a pwsh session that holds its
               rows, beside PyTorch eager in the same run (the speed users see). See BENCHMARKS.md.
      Clean    removes out/ and the projects' bin/ and obj/ folders.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    ./build.ps1 Build, Demo -Configuration Debug
.EXAMPLE
    ./build.ps1 Package, Test -Rid linux-x64
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to leave out, e.g. Slow.
    [string[]] $ExcludeTag = @(),

    # The platforms the Package task builds.
    [ValidateSet('linux-x64', 'win-x64', 'osx-arm64')]
    [string[]] $Rid = @('linux-x64', 'win-x64', 'osx-arm64'),

    # Options for the training benchmark (Bench task), e.g. '--rounds', '1', '--batch', '64,256'.
    [string[]] $BenchArgument = @()
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'PSAnomalyAE'
$PackagesOut = Join-Path $Out 'packages'
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

# The native libraries each platform's module ships, flat in dependencies/ next to TorchSharp.dll. Everything else
# the runtime packages bring (Python bindings, test backends, libtorch_global_deps, libshm, uv, the OpenMP stubs)
# is left out: nothing loads it. Each list follows what LibTorchSharp links to (readelf -d, objdump -p,
# otool -L): LibTorchSharp -> torch, torch_cpu, c10 -> the OpenMP runtime libtorch was built with; plus SkiaSharp
# and HarfBuzzSharp, which draw the threshold pictures. A listed file missing from the publish output stops the build.
$NativeLibraries = [ordered]@{
    'linux-x64' = @('libLibTorchSharp.so', 'libtorch.so', 'libtorch_cpu.so', 'libc10.so', 'libgomp-98b21ff3.so.1',
        'libSkiaSharp.so', 'libHarfBuzzSharp.so')
    'win-x64'   = @('LibTorchSharp.dll', 'torch.dll', 'torch_cpu.dll', 'c10.dll', 'libiomp5md.dll',
        'libSkiaSharp.dll', 'libHarfBuzzSharp.dll')
    'osx-arm64' = @('libLibTorchSharp.dylib', 'libtorch.dylib', 'libtorch_cpu.dylib', 'libc10.dylib', 'libomp.dylib',
        'libSkiaSharp.dylib', 'libHarfBuzzSharp.dylib')
}

# The PowerShell Gallery's platform tag and the module GUID (fixed for ever) of each platform's runtime package.
$PlatformTag = @{ 'linux-x64' = 'Linux'; 'win-x64' = 'Windows'; 'osx-arm64' = 'MacOS' }
$RuntimeGuid = @{
    'linux-x64' = '0f3d2b8e-6c1a-4e57-9d43-7a2e5c81b6f0'
    'win-x64'   = '8a5c7e21-3b9d-4f60-a1e8-2d4f6b93c7a5'
    'osx-arm64' = 'c3e9a416-7d25-4b8f-9e01-5f7b2a6d8c34'
}

function Copy-IfChanged {
    param([IO.FileInfo] $Source, [string] $Destination)
    $target = Get-Item -LiteralPath $Destination -ErrorAction Ignore
    if ($target -and $target.Length -eq $Source.Length -and $target.LastWriteTimeUtc -eq $Source.LastWriteTimeUtc) { return $false }
    Copy-Item -LiteralPath $Source.FullName -Destination $Destination -Force
    return $true
}

function Test-ManagedAssembly {
    param([string] $Path)
    try { $null = [Reflection.AssemblyName]::GetAssemblyName($Path); return $true } catch { return $false }
}

function Build-Module {
    <#
    Publishes the cmdlets and engine for $TargetRid and assembles the importable module in $Destination:
    PSAnomalyAE.dll, manifest, format file, help and LICENSE at the top; the engine, TorchSharp, their managed
    dependencies and the platform's native libraries (and nothing else) in dependencies/.
    Help is built by importing the module, which only works for this machine's platform (a -r osx-arm64 build
    is an arm64 assembly).
    #>
    param([Parameter(Mandatory)] [string] $TargetRid, [Parameter(Mandatory)] [string] $Destination)
    if (-not $NativeLibraries.Contains($TargetRid)) {
        throw "There is no libtorch runtime for $TargetRid; the module is built for $($NativeLibraries.Keys -join ', ')."
    }
    $publish = Join-Path $Staging "publish-$TargetRid"
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/PSAnomalyAE/PSAnomalyAE.csproj'), '-c', $Configuration, '-r', $TargetRid,
        '--self-contained', 'false', '-o', $publish, '-nologo', '-v', 'quiet', '-p:GenerateRuntimeConfigurationFiles=false')

    $deps = Join-Path $Destination 'dependencies'
    $null = New-Item -ItemType Directory -Force -Path $Destination, $deps, (Join-Path $Destination 'en-US')

    # The cmdlets assembly sits at the top (default load context); everything else goes to dependencies/.
    $top = @('PSAnomalyAE.dll', 'PSAnomalyAE.pdb')
    $natives = $NativeLibraries[$TargetRid]
    $wanted = @{}
    foreach ($file in Get-ChildItem -LiteralPath $publish -File) {
        $ship = if ($file.Name -in $top -or $file.Name -in $natives) { $true }
            elseif ($file.Name -eq 'System.Management.Automation.dll') { $false }    # PowerShell brings its own
            elseif ($file.Extension -eq '.pdb') { $true }
            elseif ($file.Extension -eq '.dll') { Test-ManagedAssembly $file.FullName }
            else { $false }                                                          # deps.json, XML docs, unused natives
        if (-not $ship) { continue }
        $dest = if ($file.Name -in $top) { Join-Path $Destination $file.Name } else { Join-Path $deps $file.Name }
        $wanted[$dest] = $true
        $null = Copy-IfChanged $file $dest
    }
    $missing = @($natives | Where-Object { -not (Test-Path -LiteralPath (Join-Path $deps $_)) })
    if ($missing) { throw "The $TargetRid publish output lacks $($missing -join ', '): update `$NativeLibraries in build.ps1." }

    # Linux: let libLibTorchSharp.so load with an older libstdc++ (see tools/LibTorchSharpCompat.ps1).
    if ((Repair-LibTorchSharp -Folder $deps) -eq 'Patched') {
        Write-Host '  libLibTorchSharp.so: its GLIBCXX_3.4.32 requirement is now weak (it loads with an older libstdc++)'
    }
    foreach ($stale in Get-ChildItem -LiteralPath $deps -File) {
        if (-not $wanted.ContainsKey($stale.FullName)) { Remove-Item -LiteralPath $stale.FullName }
    }
    if (Test-Path (Join-Path $deps 'cpu')) { Remove-Item -Recurse -Force (Join-Path $deps 'cpu') }

    $version = Get-ModuleVersion
    $manifest = (Get-Content -Raw (Join-Path $Root 'module/PSAnomalyAE.psd1')) -replace '\{\{ModuleVersion\}\}', $version
    Set-Content -LiteralPath (Join-Path $Destination 'PSAnomalyAE.psd1') -Value $manifest -NoNewline
    Get-ChildItem -LiteralPath (Join-Path $Root 'module') -File -Filter '*.ps1xml' | Copy-Item -Destination $Destination -Force
    Copy-Item -LiteralPath (Join-Path $Root 'LICENSE'), (Join-Path $Root 'module/ThirdPartyNotices.txt') -Destination $Destination -Force
    Build-ModuleHelp -MarkdownFolder (Join-Path $Root 'docs/help') -OutputFolder (Join-Path $Destination 'en-US') `
        -ModuleManifest (Join-Path $Destination 'PSAnomalyAE.psd1')

    $size = (Get-ChildItem -LiteralPath $Destination -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
    Write-Host ("  module: {0} ({1:N0} MB)" -f $Destination, $size)
}

function Invoke-Build {
    $hostRid = Get-Rid
    Write-Host "Building PSAnomalyAE ($Configuration, $hostRid)" -ForegroundColor Cyan
    Build-Module -TargetRid $hostRid -Destination $ModuleOut
}

function Invoke-Package {
    <#
    One feed for every platform: the module itself (PSAnomalyAE, the same for all platforms, no native library) and
    one runtime package per platform (PSAnomalyAE.Runtime.<rid>: the native libraries in native/), all in
    out/packages, which is a folder repository as it stands. PSAnomalyAE installs its platform's runtime package
    from the repository it came from on first use (src/PSAnomalyAE/Internal/RuntimeInstaller.cs).
    #>
    $version = Get-ModuleVersion
    Import-Module Microsoft.PowerShell.PSResourceGet
    $null = New-Item -ItemType Directory -Force -Path $PackagesOut
    Get-ChildItem -LiteralPath $PackagesOut | Remove-Item -Recurse -Force     # also the per-platform folders of old

    $started = Get-Date
    Write-Host "Packaging PSAnomalyAE $version (every platform)" -ForegroundColor Cyan
    $main = Join-Path $PackagesOut 'PSAnomalyAE'
    Copy-Item -LiteralPath $ModuleOut -Destination $main -Recurse
    $deps = Join-Path $main 'dependencies'
    Get-ChildItem -LiteralPath $deps -File | Where-Object { $_.Extension -ne '.pdb' -and -not (Test-ManagedAssembly $_.FullName) } | Remove-Item
    # A -r build's cmdlets, engine and TorchSharp target that platform (its processor, and ReadyToRun code for it); the
    # package's must load on every platform, so it has their processor-neutral IL builds.
    $anyCpu = Join-Path $Staging 'publish-anycpu'
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/PSAnomalyAE/PSAnomalyAE.csproj'), '-c', $Configuration, '-o', $anyCpu,
        '-nologo', '-v', 'quiet', '-p:PlatformTarget=AnyCPU', '-p:GenerateRuntimeConfigurationFiles=false')
    Copy-Item -LiteralPath (Join-Path $anyCpu 'PSAnomalyAE.dll'), (Join-Path $anyCpu 'PSAnomalyAE.pdb') -Destination $main -Force
    Copy-Item -LiteralPath (Join-Path $anyCpu 'PSAnomalyAE.Engine.dll'), (Join-Path $anyCpu 'PSAnomalyAE.Engine.pdb'), (Join-Path $anyCpu 'TorchSharp.dll') -Destination $deps -Force
    Publish-Nupkg -Folder $main -Name 'PSAnomalyAE' -Started $started

    foreach ($target in $Rid) {
        $started = Get-Date
        Write-Host "Packaging PSAnomalyAE.Runtime.$target ($Configuration)" -ForegroundColor Cyan
        $runtime = Join-Path $PackagesOut "PSAnomalyAE.Runtime.$target"
        Build-RuntimeModule -TargetRid $target -Destination $runtime
        Publish-Nupkg -Folder $runtime -Name "PSAnomalyAE.Runtime.$target" -Started $started
    }
}

function Build-RuntimeModule {
    <# The runtime module of one platform: its manifest, LICENSE, ThirdPartyNotices.txt, and native/ with the platform's natives (only those). #>
    param([Parameter(Mandatory)] [string] $TargetRid, [Parameter(Mandatory)] [string] $Destination)
    $publish = Join-Path $Staging "publish-$TargetRid"
    # Only the natives are taken from this publish; another platform's needs no ReadyToRun code (this machine's is the
    # same publish as Build's, left as it is).
    $readyToRun = if ($TargetRid -eq (Get-Rid)) { @() } else { @('-p:PublishReadyToRun=false') }
    Invoke-Native dotnet (@('publish', (Join-Path $Root 'src/PSAnomalyAE/PSAnomalyAE.csproj'), '-c', $Configuration, '-r', $TargetRid,
        '--self-contained', 'false', '-o', $publish, '-nologo', '-v', 'quiet', '-p:GenerateRuntimeConfigurationFiles=false') + $readyToRun)
    $native = Join-Path $Destination 'native'
    $null = New-Item -ItemType Directory -Force -Path $native
    foreach ($name in $NativeLibraries[$TargetRid]) {
        $file = Join-Path $publish $name
        if (-not (Test-Path -LiteralPath $file)) { throw "The $TargetRid publish output lacks $name`: update `$NativeLibraries in build.ps1." }
        Copy-Item -LiteralPath $file -Destination $native
    }
    $null = Repair-LibTorchSharp -Folder $native
    $manifest = (Get-Content -Raw (Join-Path $Root 'module/PSAnomalyAE.Runtime.psd1')) -replace '\{\{ModuleVersion\}\}', (Get-ModuleVersion) -replace
        '\{\{Rid\}\}', $TargetRid -replace '\{\{PlatformTag\}\}', $PlatformTag[$TargetRid] -replace '\{\{Guid\}\}', $RuntimeGuid[$TargetRid]
    Set-Content -LiteralPath (Join-Path $Destination "PSAnomalyAE.Runtime.$TargetRid.psd1") -Value $manifest -NoNewline
    Copy-Item -LiteralPath (Join-Path $Root 'LICENSE'), (Join-Path $Root 'module/ThirdPartyNotices.txt') -Destination $Destination
}

function Publish-Nupkg {
    <# Packs a module folder into <name>.<version>.nupkg in out/packages (Compress-PSResource, as a gallery receives it), and says how big it is. #>
    param([string] $Folder, [string] $Name, [datetime] $Started)
    Compress-PSResource -Path $Folder -DestinationPath $PackagesOut
    $nupkg = Get-Item -LiteralPath (Join-Path $PackagesOut "$Name.$(Get-ModuleVersion).nupkg")
    Write-Host ("  package: {0} ({1:N0} MB) in {2:N0} s" -f $nupkg.FullName, ($nupkg.Length / 1MB), ((Get-Date) - $Started).TotalSeconds)
    if ($nupkg.Length -gt 250MB) { throw "$($nupkg.Name) is over 250 MB, more than the PowerShell Gallery accepts." }
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
    # The Package tests need this platform's package (./build.ps1 Package); without it they are left out.
    $excluded = @($ExcludeTag)
    if (-not (Test-Path -LiteralPath (Join-Path $PackagesOut "PSAnomalyAE.Runtime.$rid.$(Get-ModuleVersion).nupkg"))) {
        Write-Host "  leaving out the Package tests: out/packages has no PSAnomalyAE.Runtime.$rid package (run './build.ps1 Package, Test' for them)"
        $excluded += 'Package'
    }
    $summary = Join-Path $results 'pester-summary.json'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -Force
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $Root 'tests/Pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.Filter.ExcludeTag = @($(($excluded | ForEach-Object { "'$_'" }) -join ','))
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

function Invoke-Bench {
    $benchOut = Join-Path $Out 'bench'
    Invoke-Native dotnet @('build', (Join-Path $Root 'benchmarks/PSAnomalyAE.Bench'), '-c', $Configuration, '-r', (Get-Rid), '--self-contained', 'false', '-o', $benchOut, '--nologo', '-v', 'quiet')
    $null = Repair-LibTorchSharp -Folder $benchOut
    Write-Host 'Training benchmark (benchmarks/PSAnomalyAE.Bench)'
    & dotnet (Join-Path $benchOut 'PSAnomalyAE.Bench.dll') @BenchArgument
    if ($LASTEXITCODE -ne 0) { throw 'The training benchmark failed.' }

    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    foreach ($script in Get-ChildItem -Path (Join-Path $Root 'benchmarks') -Filter *.ps1 | Sort-Object Name) {
        $mandatory = (Get-Command -Name $script.FullName).Parameters.Values | Where-Object {
            $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.Mandatory }
        }
        if ($mandatory) {
            Write-Host "Skipping benchmarks/$($script.Name): it needs -$($mandatory[0].Name)."
            continue
        }

        Write-Host "benchmarks/$($script.Name)"
        & $pwsh -NoProfile -NonInteractive -File $script.FullName
        if ($LASTEXITCODE -ne 0) { throw "benchmarks/$($script.Name) failed." }
    }
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
            'Package' { if (-not $built) { Invoke-Build; $built = $true }; Invoke-Package }
            'Test' { if (-not $built) { Invoke-Build; $built = $true }; Invoke-Test }
            'Demo' { if (-not $built) { Invoke-Build; $built = $true }; Invoke-Demo }
            'Bench' { if (-not $built) { Invoke-Build; $built = $true }; Invoke-Bench }
        }
    }
}
catch {
    Write-Host "build.ps1: $($_.Exception.Message)" -ForegroundColor Red
    exit 1
}
