# The build's edit of libLibTorchSharp.so (tools/LibTorchSharpCompat.ps1): the GLIBCXX_3.4.32 requirement is
# weak in the library the module ships, and the edit refuses a version that relocations really use.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $RepoRoot 'tools/LibTorchSharpCompat.ps1')
    $shipped = Join-Path (Split-Path $ModuleManifest) 'dependencies/libLibTorchSharp.so'
}

Describe "libLibTorchSharp.so on Linux$(if (-not $IsLinux) { ' (skipped: the library is edited on Linux only)' })" -Skip:(-not $IsLinux) {
    It 'asks for GLIBCXX_3.4.32 only weakly, and no relocation uses a symbol of that version' {
        $bytes = [IO.File]::ReadAllBytes($shipped)
        $sections = @(Get-ElfSection -Bytes $bytes)
        $need = Get-ElfVersionNeed -Bytes $bytes -Sections $sections | Where-Object Version -EQ 'GLIBCXX_3.4.32'
        $need | Should -HaveCount 1
        $need.File | Should -Be 'libstdc++.so.6'
        $need.Flags -band 0x2 | Should -Be 0x2 -Because 'VER_FLG_WEAK is set'
        @(Get-ElfRelocatedSymbol -Bytes $bytes -Sections $sections -VersionIndex $need.Index) | Should -BeNullOrEmpty
        # Every other requirement keeps its flags: only that one record changed.
        Get-ElfVersionNeed -Bytes $bytes -Sections $sections | Where-Object Version -NE 'GLIBCXX_3.4.32' |
            ForEach-Object { $_.Flags | Should -Be 0 -Because $_.Version }
    }

    It 'links with no hard version error (ldd prints at most the weak-version warning)' {
        if (-not (Get-Command ldd -ErrorAction Ignore)) { Set-ItResult -Skipped -Because 'ldd is not installed'; return }
        $out = & ldd $shipped 2>&1 | ForEach-Object { "$_" }
        $out | Where-Object { $_ -match 'not found' -and $_ -notmatch 'weak version' } | Should -BeNullOrEmpty
    }

    It 'is left alone when already weak, and reports a version it does not ask for' {
        $copy = Join-Path $TestDrive 'again.so'
        Copy-Item $shipped $copy
        Set-ElfVersionNeedWeak -Path $copy -Version 'GLIBCXX_3.4.32' | Should -Be 'AlreadyWeak'
        Set-ElfVersionNeedWeak -Path $copy -Version 'GLIBCXX_9.9' | Should -Be 'NotRequired'
        (Get-FileHash $copy).Hash | Should -Be (Get-FileHash $shipped).Hash
    }

    It 'refuses, without touching the file, to weaken a version whose symbols relocations use' {
        # GLIBCXX_3.4 is really used (std::exception, streams...): the guard must stop the build.
        $copy = Join-Path $TestDrive 'used.so'
        Copy-Item $shipped $copy
        { Set-ElfVersionNeedWeak -Path $copy -Version 'GLIBCXX_3.4' } | Should -Throw '*calls*from GLIBCXX_3.4 (libstdc++.so.6)*build stops*'
        (Get-FileHash $copy).Hash | Should -Be (Get-FileHash $shipped).Hash
    }

    It 'rejects a file that is not ELF' {
        $text = Join-Path $TestDrive 'not-elf.so'
        Set-Content $text ('x' * 100)
        { Set-ElfVersionNeedWeak -Path $text -Version 'GLIBCXX_3.4.32' } | Should -Throw '*is not an ELF file*'
    }
}
