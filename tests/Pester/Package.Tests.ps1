# The per-platform packages made by './build.ps1 Package' (out/packages/<rid>): each holds only its own platform's
# native libraries. Tagged Package: build.ps1 Test runs these only when this platform's package exists; a
# platform whose package was not built (./build.ps1 Package -Rid ...) is reported as skipped.
BeforeDiscovery {
    $platforms = @(
        @{
            Rid     = 'linux-x64'
            Natives = 'libLibTorchSharp.so', 'libtorch.so', 'libtorch_cpu.so', 'libc10.so', 'libgomp-98b21ff3.so.1',
                'libSkiaSharp.so', 'libHarfBuzzSharp.so'
            Tag     = 'Linux'
        }
        @{
            Rid     = 'win-x64'
            Natives = 'LibTorchSharp.dll', 'torch.dll', 'torch_cpu.dll', 'c10.dll', 'libiomp5md.dll',
                'libSkiaSharp.dll', 'libHarfBuzzSharp.dll'
            Tag     = 'Windows'
        }
        @{
            Rid     = 'osx-arm64'
            Natives = 'libLibTorchSharp.dylib', 'libtorch.dylib', 'libtorch_cpu.dylib', 'libc10.dylib', 'libomp.dylib',
                'libSkiaSharp.dylib', 'libHarfBuzzSharp.dylib'
            Tag     = 'MacOS'
        }
    )
}

BeforeAll {
    $RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # The managed assemblies every platform ships (the same files for all).
    $Managed = 'Google.Protobuf.dll', 'HarfBuzzSharp.dll', 'ICSharpCode.SharpZipLib.dll', 'PSAnomalyAE.Engine.dll',
        'PSAnomalyAE.Engine.pdb', 'ScottPlot.dll', 'Sep.dll', 'SkiaSharp.HarfBuzz.dll', 'SkiaSharp.dll', 'TorchSharp.dll'
    function Test-Managed([string] $Path) {
        try { $null = [Reflection.AssemblyName]::GetAssemblyName($Path); $true } catch { $false }
    }
}

Describe 'The <Rid> package' -Tag 'Package' -ForEach $platforms {
    BeforeAll {
        $folder = Join-Path $RepoRoot "out/packages/$Rid"
        $module = Join-Path $folder 'PSAnomalyAE'
        $built = Test-Path -LiteralPath (Join-Path $module 'PSAnomalyAE.psd1')
    }

    It 'holds the module files at the top and a valid manifest tagged for its platform' {
        if (-not $built) { Set-ItResult -Skipped -Because "out/packages/$Rid was not built (./build.ps1 Package -Rid $Rid)"; return }
        @(Get-ChildItem $module -File | Sort-Object Name).Name |
            Should -Be @('LICENSE', 'PSAnomalyAE.dll', 'PSAnomalyAE.Format.ps1xml', 'PSAnomalyAE.pdb', 'PSAnomalyAE.psd1', 'PSAnomalyAE.Types.ps1xml')
        @(Get-ChildItem $module -Directory | Sort-Object Name).Name | Should -Be @('dependencies', 'en-US')
        $info = Test-ModuleManifest (Join-Path $module 'PSAnomalyAE.psd1') -ErrorAction Stop
        $info.Tags | Should -Contain $Tag
        $info.Tags | Should -Not -Contain (@('Linux', 'Windows', 'MacOS') | Where-Object { $_ -ne $Tag })
        # Help is made on the build machine and copied into every platform's package.
        [xml] $help = Get-Content -Raw (Join-Path $module 'en-US/PSAnomalyAE.dll-Help.xml')
        @($help.helpItems.command).Count | Should -Be $info.ExportedCmdlets.Count -Because "every exported cmdlet has help"
        Join-Path $module 'en-US/about_PSAnomalyAE.help.txt' | Should -Exist
    }

    It 'ships exactly its own natives and the managed assemblies in dependencies/, flat' {
        if (-not $built) { Set-ItResult -Skipped -Because "out/packages/$Rid was not built (./build.ps1 Package -Rid $Rid)"; return }
        $deps = Join-Path $module 'dependencies'
        Get-ChildItem $deps -Directory | Should -BeNullOrEmpty -Because 'natives sit flat beside TorchSharp.dll (no runtimes/, no cpu/)'
        $files = @(Get-ChildItem $deps -File)
        $natives = @($files | Where-Object { $_.Extension -ne '.pdb' -and -not (Test-Managed $_.FullName) } | Sort-Object Name).Name
        $natives | Should -Be @($Natives | Sort-Object)
        $managed = @($files | Where-Object { $_.Name -notin $Natives } | Sort-Object Name).Name
        $managed | Should -Be @($Managed | Sort-Object)
    }

    It 'leaves out the libraries nothing loads and other platforms'' files' {
        if (-not $built) { Set-ItResult -Skipped -Because "out/packages/$Rid was not built (./build.ps1 Package -Rid $Rid)"; return }
        $unused = 'torch_python', 'torch_global_deps', 'shm', 'nnapi_backend', 'jitbackend_test', 'torchbind_test',
            'backend_with_compiler', 'aoti_custom_ops', 'uv', 'libiompstubs5md'
        $names = @(Get-ChildItem $module -Recurse -File).Name
        foreach ($name in $names) {
            $stem = ($name -replace '\.(so(\.\d+)*|dll|dylib)$', '') -replace '^lib', ''
            $stem | Should -Not -BeIn $unused -Because "$name is not loaded by anything"
        }
        $foreign = switch ($Rid) { 'linux-x64' { '*.dylib' } 'osx-arm64' { '*.so', '*.so.*' } 'win-x64' { '*.so', '*.so.*', '*.dylib' } }
        Get-ChildItem $module -Recurse -Include $foreign | Should -BeNullOrEmpty
        $names | Should -Not -Contain 'System.Management.Automation.dll'
        $names | Should -Not -Contain 'PSAnomalyAE.deps.json'
    }

    It 'has a .nupkg with the same files' {
        if (-not $built) { Set-ItResult -Skipped -Because "out/packages/$Rid was not built (./build.ps1 Package -Rid $Rid)"; return }
        $manifest = Import-PowerShellDataFile (Join-Path $module 'PSAnomalyAE.psd1')
        $nupkg = Join-Path $folder "PSAnomalyAE.$($manifest.ModuleVersion).nupkg"
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $entries = @($zip.Entries | Where-Object { $_.FullName -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$|PSAnomalyAE\.nuspec$)' } |
                ForEach-Object { [Uri]::UnescapeDataString($_.FullName) } | Sort-Object)
        } finally { $zip.Dispose() }
        $files = @(Get-ChildItem $module -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($module, $_.FullName) -replace '\\', '/' } | Sort-Object)
        $entries | Should -Be $files
    }
}

Describe 'The linux-x64 package''s libLibTorchSharp.so' -Tag 'Package' {
    It 'asks for GLIBCXX_3.4.32 only weakly (the one platform-specific edit)' {
        $library = Join-Path $RepoRoot 'out/packages/linux-x64/PSAnomalyAE/dependencies/libLibTorchSharp.so'
        if (-not (Test-Path -LiteralPath $library)) { Set-ItResult -Skipped -Because 'out/packages/linux-x64 was not built'; return }
        . (Join-Path $RepoRoot 'tools/LibTorchSharpCompat.ps1')
        $bytes = [IO.File]::ReadAllBytes($library)
        $need = Get-ElfVersionNeed -Bytes $bytes -Sections @(Get-ElfSection -Bytes $bytes) | Where-Object Version -EQ 'GLIBCXX_3.4.32'
        $need.Flags -band 0x2 | Should -Be 0x2
    }
}
