# The feed './build.ps1 Package' makes in out/packages: PSAnomalyAE (the module, the same for every platform, no
# native library) and one runtime package per platform, PSAnomalyAE.Runtime.<rid>, with only that platform's
# natives. Tagged Package: build.ps1 Test runs these only when this platform's runtime package exists; a platform
# whose package was not built (./build.ps1 Package -Rid ...) is reported as skipped.
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
    $Managed = 'csFastFloat.dll', 'Google.Protobuf.dll', 'HarfBuzzSharp.dll', 'ICSharpCode.SharpZipLib.dll', 'PSAnomalyAE.Engine.dll',
        'PSAnomalyAE.Engine.pdb', 'ScottPlot.dll', 'Sep.dll', 'SkiaSharp.HarfBuzz.dll', 'SkiaSharp.dll', 'TorchSharp.dll'
    $Version = ([xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))).Project.PropertyGroup.ModuleVersion |
        Where-Object { $_ } | Select-Object -First 1
    function Get-FolderFile([string] $Folder) {
        @(Get-ChildItem $Folder -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($Folder, $_.FullName) -replace '\\', '/' } | Sort-Object)
    }
    function Get-NupkgFile([string] $Name) {
        $nupkg = Join-Path $RepoRoot "out/packages/$Name.$Version.nupkg"
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            @($zip.Entries | Where-Object { $_.FullName -notmatch "^(_rels/|package/|\[Content_Types\]\.xml$|$([regex]::Escape($Name))\.nuspec$)" } |
                ForEach-Object { [Uri]::UnescapeDataString($_.FullName) } | Sort-Object)
        } finally { $zip.Dispose() }
    }
}

Describe 'The PSAnomalyAE package (every platform)' -Tag 'Package' {
    BeforeAll {
        $module = Join-Path $RepoRoot 'out/packages/PSAnomalyAE'
        # Skipped only when nothing was packaged: packages of another layout (one module per platform) fail.
        $built = Test-Path -LiteralPath (Join-Path $RepoRoot 'out/packages')
    }

    It 'holds the module files, the notices and the managed assemblies only, with a manifest for every platform' {
        if (-not $built) { Set-ItResult -Skipped -Because 'out/packages was not built (./build.ps1 Package)'; return }
        @(Get-ChildItem $module -File | Sort-Object Name).Name |
            Should -Be @('LICENSE', 'PSAnomalyAE.dll', 'PSAnomalyAE.Format.ps1xml', 'PSAnomalyAE.pdb', 'PSAnomalyAE.psd1', 'PSAnomalyAE.Types.ps1xml', 'ThirdPartyNotices.txt')
        @(Get-ChildItem $module -Directory | Sort-Object Name).Name | Should -Be @('dependencies', 'en-US')
        @(Get-ChildItem (Join-Path $module 'dependencies') -Recurse -File | Sort-Object Name).Name | Should -Be @($Managed | Sort-Object)
        $info = Test-ModuleManifest (Join-Path $module 'PSAnomalyAE.psd1') -ErrorAction Stop
        foreach ($tag in 'Linux', 'Windows', 'MacOS', 'PSEdition_Core') { $info.Tags | Should -Contain $tag }
        $info.RequiredModules | Should -BeNullOrEmpty -Because 'the runtime is chosen by platform on first use, which a manifest cannot say'
        [xml] $help = Get-Content -Raw (Join-Path $module 'en-US/PSAnomalyAE.dll-Help.xml')
        @($help.helpItems.command).Count | Should -Be $info.ExportedCmdlets.Count -Because 'every exported cmdlet has help'
    }

    It 'has a .nupkg with the same files' {
        if (-not $built) { Set-ItResult -Skipped -Because 'out/packages was not built (./build.ps1 Package)'; return }
        Get-NupkgFile 'PSAnomalyAE' | Should -Be (Get-FolderFile $module)
    }

    It 'has only processor-neutral (AnyCPU) assemblies, which load on x64 and arm64 alike' {
        if (-not $built) { Set-ItResult -Skipped -Because 'out/packages was not built (./build.ps1 Package)'; return }
        foreach ($dll in Get-ChildItem $module -Recurse -Filter *.dll) {
            $stream = [IO.File]::OpenRead($dll.FullName)
            try {
                $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
                $pe.PEHeaders.CoffHeader.Machine | Should -Be 'I386' -Because "$($dll.Name) must not target one processor"
                $pe.PEHeaders.CorHeader.Flags.HasFlag([Reflection.PortableExecutable.CorFlags]::Requires32Bit) | Should -BeFalse
                $pe.Dispose()
            } finally { $stream.Dispose() }
        }
    }
}

Describe 'The PSAnomalyAE.Runtime.<Rid> package' -Tag 'Package' -ForEach $platforms {
    BeforeAll {
        $module = Join-Path $RepoRoot "out/packages/PSAnomalyAE.Runtime.$Rid"
        $built = Test-Path -LiteralPath (Join-Path $module "PSAnomalyAE.Runtime.$Rid.psd1")
        $skip = "out/packages/PSAnomalyAE.Runtime.$Rid was not built (./build.ps1 Package -Rid $Rid)"
    }

    It 'holds a manifest tagged for its platform, the notices, and exactly its own natives in native/' {
        if (-not $built) { Set-ItResult -Skipped -Because $skip; return }
        @(Get-ChildItem $module -File | Sort-Object Name).Name | Should -Be @('LICENSE', "PSAnomalyAE.Runtime.$Rid.psd1", 'ThirdPartyNotices.txt')
        @(Get-ChildItem $module -Directory).Name | Should -Be 'native'
        @(Get-ChildItem (Join-Path $module 'native') -Recurse -File | Sort-Object Name).Name | Should -Be @($Natives | Sort-Object)
        $info = Test-ModuleManifest (Join-Path $module "PSAnomalyAE.Runtime.$Rid.psd1") -ErrorAction Stop
        $info.Version | Should -Be (Test-ModuleManifest (Join-Path $RepoRoot 'out/PSAnomalyAE/PSAnomalyAE.psd1')).Version
        $info.Tags | Should -Contain $Tag
        $info.Tags | Should -Not -Contain (@('Linux', 'Windows', 'MacOS') | Where-Object { $_ -ne $Tag })
        $info.ExportedCommands.Count | Should -Be 0
    }

    It 'has a .nupkg with the same files' {
        if (-not $built) { Set-ItResult -Skipped -Because $skip; return }
        Get-NupkgFile "PSAnomalyAE.Runtime.$Rid" | Should -Be (Get-FolderFile $module)
    }
}

Describe 'ThirdPartyNotices.txt' -Tag 'Package' {
    It 'is in every package and names libtorch, TorchSharp and SkiaSharp with their licenses' {
        $folders = @(Get-ChildItem (Join-Path $RepoRoot 'out/packages') -Directory -ErrorAction Ignore)
        if (-not $folders) { Set-ItResult -Skipped -Because 'out/packages was not built (./build.ps1 Package)'; return }
        foreach ($folder in $folders) {
            $text = Get-Content -Raw (Join-Path $folder.FullName 'ThirdPartyNotices.txt')
            $text | Should -Match 'libtorch \(PyTorch\).*BSD-3-Clause'
            $text | Should -Match 'TorchSharp.*MIT'
            $text | Should -Match 'SkiaSharp.*MIT'
            $text | Should -Match 'From PyTorch'
        }
    }
}

Describe 'The linux-x64 runtime''s libLibTorchSharp.so' -Tag 'Package' {
    It 'asks for GLIBCXX_3.4.32 only weakly (the one platform-specific edit)' {
        $library = Join-Path $RepoRoot 'out/packages/PSAnomalyAE.Runtime.linux-x64/native/libLibTorchSharp.so'
        if (-not (Test-Path -LiteralPath $library)) { Set-ItResult -Skipped -Because 'out/packages/PSAnomalyAE.Runtime.linux-x64 was not built'; return }
        . (Join-Path $RepoRoot 'tools/LibTorchSharpCompat.ps1')
        $bytes = [IO.File]::ReadAllBytes($library)
        $need = Get-ElfVersionNeed -Bytes $bytes -Sections @(Get-ElfSection -Bytes $bytes) | Where-Object Version -EQ 'GLIBCXX_3.4.32'
        $need.Flags -band 0x2 | Should -Be 0x2
    }
}
