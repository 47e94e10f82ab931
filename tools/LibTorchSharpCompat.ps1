# Makes TorchSharp's libLibTorchSharp.so load on Linux systems whose libstdc++ lacks GLIBCXX_3.4.32.
# The library is built with GCC 13 and needs exactly one symbol of that version, std::ios_base_library_init.
# The fix: a small library that defines it, the reference made unversioned (patchelf), the library added as
# a dependency (patchelf), and the GLIBCXX_3.4.32 version requirement marked weak (an in-place ELF edit), so
# the loader warns instead of refusing. Dot-source this file; build.ps1 calls Repair-LibTorchSharp.

Set-StrictMode -Version Latest

$script:CompatName = 'libtorchsharp_compat.so'
$script:MissingVersion = 'GLIBCXX_3.4.32'
$script:Symbol = '_ZSt21ios_base_library_initv'

function Find-ByteString {
    param([byte[]] $Bytes, [string] $Text)
    return [Text.Encoding]::Latin1.GetString($Bytes).Contains($Text, [StringComparison]::Ordinal)
}

function Get-SystemLibstdcxx {
    $fromCache = & ldconfig -p 2>$null | Where-Object { $_ -match 'libstdc\+\+\.so\.6 \(.*x86-64.*\) => (.+)$' } |
        ForEach-Object { $Matches[1] } | Select-Object -First 1
    if ($fromCache) { return $fromCache }
    foreach ($candidate in '/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib64/libstdc++.so.6', '/lib64/libstdc++.so.6') {
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    return $null
}

function Test-LibTorchSharpNeedsCompat {
    <# True when libLibTorchSharp.so asks for GLIBCXX_3.4.32 and the system libstdc++ does not have it. #>
    param([Parameter(Mandatory)] [string] $Library)
    if (-not $IsLinux) { return $false }
    if (-not (Find-ByteString ([IO.File]::ReadAllBytes($Library)) $script:MissingVersion)) { return $false }
    $system = Get-SystemLibstdcxx
    if (-not $system) { return $true }
    return -not (Find-ByteString ([IO.File]::ReadAllBytes($system)) $script:MissingVersion)
}

function Set-ElfVersionNeedWeak {
    <#
    Sets VER_FLG_WEAK (0x2) on the version requirement named $Version in the SHT_GNU_verneed section of a
    64-bit little-endian ELF file. A two-byte, in-place edit. Returns $true when the record was found.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Version)
    $bytes = [IO.File]::ReadAllBytes($Path)
    if ($bytes.Length -lt 64 -or $bytes[0] -ne 0x7F -or $bytes[1] -ne 0x45 -or $bytes[4] -ne 2 -or $bytes[5] -ne 1) {
        throw "$Path is not a 64-bit little-endian ELF file."
    }
    $shoff = [BitConverter]::ToUInt64($bytes, 0x28)
    $shentsize = [BitConverter]::ToUInt16($bytes, 0x3A)
    $shnum = [BitConverter]::ToUInt16($bytes, 0x3C)
    $SHT_GNU_VERNEED = 0x6FFFFFFE
    for ($i = 0; $i -lt $shnum; $i++) {
        $sh = [int64]$shoff + [int64]$i * $shentsize
        if ([BitConverter]::ToUInt32($bytes, $sh + 4) -ne $SHT_GNU_VERNEED) { continue }
        $secOffset = [int64][BitConverter]::ToUInt64($bytes, $sh + 24)
        $link = [BitConverter]::ToUInt32($bytes, $sh + 40)
        $count = [BitConverter]::ToUInt32($bytes, $sh + 44)
        $strOffset = [int64][BitConverter]::ToUInt64($bytes, [int64]$shoff + [int64]$link * $shentsize + 24)
        $need = $secOffset
        for ($n = 0; $n -lt $count; $n++) {
            # Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
            $auxCount = [BitConverter]::ToUInt16($bytes, $need + 2)
            $aux = $need + [BitConverter]::ToUInt32($bytes, $need + 8)
            for ($a = 0; $a -lt $auxCount; $a++) {
                # Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
                $nameAt = $strOffset + [BitConverter]::ToUInt32($bytes, $aux + 8)
                $end = [Array]::IndexOf($bytes, [byte]0, [int]$nameAt)
                $name = [Text.Encoding]::ASCII.GetString($bytes, $nameAt, $end - $nameAt)
                if ($name -eq $Version) {
                    $flags = [BitConverter]::ToUInt16($bytes, $aux + 4) -bor 0x2
                    $stream = [IO.File]::OpenWrite($Path)
                    try {
                        $stream.Position = $aux + 4
                        $stream.Write([BitConverter]::GetBytes([uint16]$flags), 0, 2)
                    } finally { $stream.Dispose() }
                    return $true
                }
                $aux += [BitConverter]::ToUInt32($bytes, $aux + 12)
            }
            $need += [BitConverter]::ToUInt32($bytes, $need + 12)
        }
    }
    return $false
}

function Repair-LibTorchSharp {
    <#
    Adapts the libLibTorchSharp.so in $Folder (and puts the compat library beside it) when this system needs it.
    $WorkFolder holds the compiled compat library between builds. Returns $true when the folder was patched.
    #>
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [string] $WorkFolder)
    $library = Join-Path $Folder 'libLibTorchSharp.so'
    if (-not (Test-Path -LiteralPath $library)) { return $false }
    if (-not (Test-LibTorchSharpNeedsCompat -Library $library)) { return $false }

    foreach ($tool in 'g++', 'patchelf') {
        if (-not (Get-Command $tool -ErrorAction Ignore)) {
            throw "This system's libstdc++ lacks $script:MissingVersion, which TorchSharp's libLibTorchSharp.so needs. The build adapts the library, for which it needs '$tool': sudo apt-get install -y g++ patchelf"
        }
    }

    $null = New-Item -ItemType Directory -Force -Path $WorkFolder
    $compat = Join-Path $WorkFolder $script:CompatName
    $source = Join-Path $PSScriptRoot 'native/ios_base_library_init.cpp'
    if (-not (Test-Path -LiteralPath $compat) -or (Get-Item $compat).LastWriteTimeUtc -lt (Get-Item $source).LastWriteTimeUtc) {
        & g++ -O2 -shared -fPIC -o $compat $source
        if ($LASTEXITCODE -ne 0) { throw "g++ could not build $script:CompatName." }
    }
    Copy-Item -LiteralPath $compat -Destination (Join-Path $Folder $script:CompatName) -Force

    & patchelf --clear-symbol-version $script:Symbol $library
    if ($LASTEXITCODE -ne 0) { throw "patchelf --clear-symbol-version failed on $library." }
    $needed = & patchelf --print-needed $library
    if ($needed -notcontains $script:CompatName) {
        & patchelf --add-needed $script:CompatName $library
        if ($LASTEXITCODE -ne 0) { throw "patchelf --add-needed failed on $library." }
    }
    if (-not (Set-ElfVersionNeedWeak -Path $library -Version $script:MissingVersion)) {
        Write-Verbose "No $script:MissingVersion requirement left in $library."
    }
    return $true
}
