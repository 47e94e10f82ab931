BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $commands = @(Get-Command -Module PSAnomalyAE -CommandType Cmdlet)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'The PSAnomalyAE module' {
    It 'has a valid manifest' {
        { Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop } | Should -Not -Throw
    }

    It 'is ready to publish: the built folder passes Test-ModuleManifest and carries gallery metadata and its licence' {
        $folder = Split-Path $ModuleManifest
        $info = Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop
        $info.Name | Should -Be 'PSAnomalyAE'
        $info.Version | Should -Not -Be ([version]'0.0')
        $info.Description | Should -BeLike '*anomaly detection*'
        $info.Author | Should -Be 'PSAnomalyAE contributors'
        $info.Tags | Should -Contain 'AnomalyDetection'
        $info.Tags | Should -Contain 'PSEdition_Core'
        $info.Tags | Should -Contain ($IsWindows ? 'Windows' : $IsMacOS ? 'MacOS' : 'Linux') -Because 'the build stamps the platform tag'
        $info.Tags | Where-Object { $_ -match '\{\{|\s' } | Should -BeNullOrEmpty -Because 'gallery tags have no spaces and no template tokens'
        $info.ReleaseNotes | Should -BeLike "*$($info.Version)*"
        $info.LicenseUri | Should -BeNullOrEmpty -Because 'no project URL exists yet'
        $info.ProjectUri | Should -BeNullOrEmpty
        Join-Path $folder 'LICENSE' | Should -FileContentMatch 'MIT License'
        Join-Path $folder 'LICENSE' | Should -FileContentMatch 'Copyright \(c\) \d{4} PSAnomalyAE contributors'
        $info.Copyright | Should -BeLike '*PSAnomalyAE contributors*MIT*'
    }

    It 'exports exactly the documented cmdlets and the one alias, nothing else' {
        $expected = 'Export-AEModel', 'Find-AELatentSize', 'Find-AEScoring', 'Find-AEThreshold', 'Get-AEModelInfo', 'Import-AEModel', 'Invoke-AETraining',
            'Measure-AEReconstructionError', 'New-AEModel', 'Set-AEThreshold', 'Test-AEAnomaly'
        $module = Get-Module PSAnomalyAE
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $expected
        $module.ExportedFunctions.Count | Should -Be 0
        @($module.ExportedAliases.Keys) | Should -Be @('Find-AEHiddenSize')
    }

    It 'keeps Find-AEHiddenSize, the former name of Find-AELatentSize, as an alias' {
        (Get-Command Find-AEHiddenSize).ResolvedCommand.Name | Should -Be 'Find-AELatentSize'
    }

    It 'does not ship System.Management.Automation or other platforms'' natives' {
        $folder = Split-Path $ModuleManifest
        Get-ChildItem $folder -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
        $deps = Join-Path $folder 'dependencies'
        $foreignNative = if ($IsLinux) { '*.dylib' } elseif ($IsMacOS) { '*.so' } else { '*.so', '*.dylib' }
        Get-ChildItem $deps -Include $foreignNative -Recurse | Should -BeNullOrEmpty
        Get-ChildItem $deps -Directory | Should -BeNullOrEmpty -Because 'natives sit flat beside TorchSharp.dll, with no runtimes/ tree'
        if (-not $IsWindows) {
            # Every .dll here is a managed assembly; Windows natives (torch_cpu.dll, libSkiaSharp.dll...) are not shipped.
            Get-ChildItem $deps -Filter *.dll | ForEach-Object { { [Reflection.AssemblyName]::GetAssemblyName($_.FullName) } | Should -Not -Throw -Because $_.Name }
        }
    }

    It 'loads libtorch on first use, not at import' {
        $r = Invoke-Pwsh @'
$loaded = { [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'TorchSharp' }
$atImport = & $loaded
$null = New-AEModel
$afterNew = & $loaded
$null = 1..20 | ForEach-Object { [pscustomobject]@{ a = $_; b = 2 * $_ } } | Invoke-AETraining -Epochs 1
[pscustomobject]@{ AtImport = $atImport; AfterNew = $afterNew; AfterTraining = (& $loaded) } | ConvertTo-Json
'@
        $r.AtImport | Should -BeFalse
        $r.AfterNew | Should -BeFalse
        $r.AfterTraining | Should -BeTrue
    }

    It 'loads the engine and TorchSharp in its own load context, with natives from the module folder' {
        $null = New-MetricRows -Count 50 | Invoke-AETraining -Epochs 1 -Seed 1
        $contexts = [AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -in 'PSAnomalyAE.Engine', 'TorchSharp' } |
            ForEach-Object { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
        $contexts | Should -HaveCount 2
        $contexts | Should -Not -Contain 'Default'
        # TorchSharp's fallback would have copied natives from the NuGet cache into a cpu/ folder.
        Join-Path (Split-Path $ModuleManifest) 'dependencies/cpu' | Should -Not -Exist
        if ($IsLinux) {
            $maps = Get-Content "/proc/$PID/maps" | Where-Object { $_ -match 'libtorch_cpu\.so' }
            $maps | Should -Not -BeNullOrEmpty
            $maps | ForEach-Object { $_ | Should -BeLike "*$(Join-Path (Split-Path $ModuleManifest) 'dependencies')*" }
        }
    }

    It 'turns a missing or broken native runtime into one terminating error that says what to install' {
        if (-not $IsLinux) { Set-ItResult -Skipped -Because 'the broken copy is built with symbolic links'; return }
        # A copy of the module without libLibTorchSharp.so, outside a modules folder (a folder not named PSAnomalyAE),
        # so there is nowhere to install the runtime package beside it and no repository is asked; no NuGet cache
        # to fall back on.
        $copy = Join-Path $TestDrive 'broken/PSAnomalyAE-copy'
        $deps = Join-Path $copy 'dependencies'
        $null = New-Item -ItemType Directory -Force -Path $deps
        $source = Split-Path $ModuleManifest
        Get-ChildItem $source -File | ForEach-Object { New-Item -ItemType SymbolicLink -Path (Join-Path $copy $_.Name) -Target $_.FullName } | Out-Null
        Copy-Item (Join-Path $source 'en-US') $copy -Recurse -ErrorAction Ignore
        Get-ChildItem (Join-Path $source 'dependencies') -File | Where-Object Name -NE 'libLibTorchSharp.so' |
            ForEach-Object { New-Item -ItemType SymbolicLink -Path (Join-Path $deps $_.Name) -Target $_.FullName } | Out-Null
        $emptyHome = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory -Force -Path $emptyHome
        $pwsh = Join-Path $PSHOME 'pwsh'
        $script = @"
Import-Module '$(Join-Path $copy 'PSAnomalyAE.psd1')'
try { 1..10 | ForEach-Object { [pscustomobject]@{ a = `$_ } } | Invoke-AETraining -ErrorAction Stop; 'no error' }
catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString(); `$_.Exception.Message; `$_.ErrorDetails.RecommendedAction }
"@
        $out = & /usr/bin/env -u PSModulePath HOME=$emptyHome NUGET_PACKAGES=$emptyHome $pwsh -NoProfile -NonInteractive -Command $script
        $out[0] | Should -Be 'NativeRuntimeNotInstalled,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $out[1] | Should -Be 'NotInstalled'
        $out[2] | Should -BeLike 'PSAnomalyAE needs its native runtime for linux-x64 (libtorch), the module PSAnomalyAE.Runtime.linux-x64 *'
        $out[3] | Should -BeLike '*Install-PSResource -Name PSAnomalyAE.Runtime.linux-x64*'
        Join-Path $deps 'cpu' | Should -Not -Exist

        # A libLibTorchSharp.so that cannot be loaded: the loader's reason, in one error. With the user's NuGet cache in
        # reach (the build restored libtorch there), TorchSharp would copy ~480 MB out of it into dependencies/cpu; the
        # module loads its own library first and stops with the one error instead.
        Set-Content -LiteralPath (Join-Path $deps 'libLibTorchSharp.so') -Value 'not a library'
        $withCache = & $pwsh -NoProfile -NonInteractive -Command $script
        $withCache[0] | Should -Be 'NativeRuntimeLoadFailed,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $withCache[1] | Should -Be 'NotInstalled'
        $withCache[2] | Should -BeLike 'The libtorch native runtime for linux-x64 could not be loaded*'
        $withCache[2] | Should -Match 'libLibTorchSharp\.so'
        $withCache[3] | Should -Not -BeNullOrEmpty
        Join-Path $deps 'cpu' | Should -Not -Exist
    }

    It 'has a format view for each of its own output types' {
        foreach ($type in 'AEModel', 'AETrainingEpoch', 'AEThreshold', 'AEFeatureContribution', 'AELatentSizeCandidate') {
            Get-FormatData -TypeName "PSAnomalyAE.$type" | Should -Not -BeNullOrEmpty -Because "$type needs a view"
        }
    }
}

Describe 'Help for <_.Name>' -ForEach $commands {
    BeforeAll {
        $command = $_
        $help = Get-Help $command.Name -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeLike "*$($command.Name)*[<CommonParameters>]*"
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples with code and remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents every parameter' {
        $common = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $doc = $help.Parameters.Parameter | Where-Object Name -EQ $name
            ($doc.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name needs help"
        }
    }

    It 'declares an output type' {
        $command.OutputType | Should -Not -BeNullOrEmpty
    }
}
