# Makes TorchSharp's libLibTorchSharp.so load on Linux systems whose libstdc++ lacks GLIBCXX_3.4.32
# (Debian 12, Ubuntu 22.04, RHEL 9), without a compiler or patchelf.
#
# Why this works: libLibTorchSharp.so (TorchSharp 0.107) is built with GCC 13 and lists one symbol of that
# version, std::ios_base_library_init(). GCC 13's <iostream> only references it to pull in a new enough
# libstdc++; no relocation uses it, so the dynamic loader never looks it up. The one thing that fails on an
# older libstdc++ is the version requirement itself. Marking that requirement weak (VER_FLG_WEAK in its
# Elf64_Vernaux record) turns the loader's refusal into a warning. That is a two-byte, in-place edit.
#
# The edit is only safe while no relocation refers to a symbol of that version: if a future TorchSharp really
# calls a GLIBCXX_3.4.32 function, the library would crash at run time on an old libstdc++ instead of failing
# to load. Set-ElfVersionNeedWeak checks this first and stops the build with a clear message if it happens.
#
# The edit is made on every Linux build, whatever the build machine's libstdc++: the module (and the linux-x64
# package) is used on other machines, and on a system that has GLIBCXX_3.4.32 a weak requirement is simply met.
#
# Dot-source this file; build.ps1 calls Repair-LibTorchSharp.

Set-StrictMode -Version Latest

$script:LibTorchSharpMissingVersion = 'GLIBCXX_3.4.32'

# ELF constants (see elf.h).
$script:SHT_RELA = 4
$script:SHT_REL = 9
$script:SHT_DYNSYM = 11
$script:SHT_GNU_VERNEED = 0x6FFFFFFE
$script:SHT_GNU_VERSYM = 0x6FFFFFFF
$script:VER_FLG_WEAK = 0x2

function Read-ElfString {
    <# The NUL-terminated ASCII string at $Offset. #>
    param([byte[]] $Bytes, [int64] $Offset)
    $end = [Array]::IndexOf($Bytes, [byte]0, [int]$Offset)
    return [Text.Encoding]::ASCII.GetString($Bytes, [int]$Offset, $end - [int]$Offset)
}

function Get-ElfSection {
    <# The section headers of a 64-bit little-endian ELF file (Elf64_Shdr, 64 bytes each). #>
    param([Parameter(Mandatory)] [byte[]] $Bytes, [string] $Path = 'the file')
    if ($Bytes.Length -lt 64 -or $Bytes[0] -ne 0x7F -or $Bytes[1] -ne 0x45 -or $Bytes[2] -ne 0x4C -or $Bytes[3] -ne 0x46) {
        throw "$Path is not an ELF file."
    }
    if ($Bytes[4] -ne 2 -or $Bytes[5] -ne 1 -or -not [BitConverter]::IsLittleEndian) {
        throw "$Path is not a 64-bit little-endian ELF file (or this machine is not little-endian)."
    }
    $shoff = [int64][BitConverter]::ToUInt64($Bytes, 0x28)       # e_shoff
    $shentsize = [BitConverter]::ToUInt16($Bytes, 0x3A)          # e_shentsize
    $shnum = [BitConverter]::ToUInt16($Bytes, 0x3C)              # e_shnum
    for ($i = 0; $i -lt $shnum; $i++) {
        $sh = $shoff + [int64]$i * $shentsize
        [pscustomobject]@{
            Index   = $i
            Type    = [BitConverter]::ToUInt32($Bytes, $sh + 4)              # sh_type
            Offset  = [int64][BitConverter]::ToUInt64($Bytes, $sh + 24)      # sh_offset
            Size    = [int64][BitConverter]::ToUInt64($Bytes, $sh + 32)      # sh_size
            Link    = [BitConverter]::ToUInt32($Bytes, $sh + 40)             # sh_link
            Info    = [BitConverter]::ToUInt32($Bytes, $sh + 44)             # sh_info
            EntSize = [int64][BitConverter]::ToUInt64($Bytes, $sh + 56)      # sh_entsize
        }
    }
}

function Get-ElfVersionNeed {
    <#
    The version requirements (SHT_GNU_verneed): one object per Elf64_Vernaux record, with the library it is
    needed from, the version name, vna_flags, vna_other (the version index that .gnu.version uses for it) and
    the file offset of vna_flags.
    #>
    param([Parameter(Mandatory)] [byte[]] $Bytes, [Parameter(Mandatory)] [object[]] $Sections)
    foreach ($section in $Sections | Where-Object Type -EQ $script:SHT_GNU_VERNEED) {
        $strings = $Sections[$section.Link].Offset          # names are in the section sh_link points to
        $need = $section.Offset
        for ($n = 0; $n -lt $section.Info; $n++) {          # sh_info = number of Elf64_Verneed records
            # Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
            $auxCount = [BitConverter]::ToUInt16($Bytes, $need + 2)
            $file = Read-ElfString $Bytes ($strings + [BitConverter]::ToUInt32($Bytes, $need + 4))
            $aux = $need + [BitConverter]::ToUInt32($Bytes, $need + 8)
            for ($a = 0; $a -lt $auxCount; $a++) {
                # Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
                [pscustomobject]@{
                    File        = $file
                    Version     = Read-ElfString $Bytes ($strings + [BitConverter]::ToUInt32($Bytes, $aux + 8))
                    Flags       = [BitConverter]::ToUInt16($Bytes, $aux + 4)
                    Index       = [BitConverter]::ToUInt16($Bytes, $aux + 6)
                    FlagsOffset = $aux + 4
                }
                $aux += [BitConverter]::ToUInt32($Bytes, $aux + 12)
            }
            $need += [BitConverter]::ToUInt32($Bytes, $need + 12)
        }
    }
}

function Get-ElfRelocatedSymbol {
    <#
    The names of the dynamic symbols of version index $VersionIndex that some relocation refers to
    (SHT_RELA/SHT_REL sections over .dynsym, i.e. .rela.dyn and .rela.plt). Empty when nothing uses them.
    #>
    param([Parameter(Mandatory)] [byte[]] $Bytes, [Parameter(Mandatory)] [object[]] $Sections, [Parameter(Mandatory)] [int] $VersionIndex)
    $dynsym = $Sections | Where-Object Type -EQ $script:SHT_DYNSYM | Select-Object -First 1
    $versym = $Sections | Where-Object Type -EQ $script:SHT_GNU_VERSYM | Select-Object -First 1
    if (-not $dynsym -or -not $versym) { return }
    $symbolNames = $Sections[$dynsym.Link].Offset
    $seen = @{}
    foreach ($section in $Sections | Where-Object { ($_.Type -eq $script:SHT_RELA -or $_.Type -eq $script:SHT_REL) -and $_.Link -eq $dynsym.Index }) {
        # Elf64_Rela: r_offset u64, r_info u64, r_addend i64 (24 bytes); Elf64_Rel has no addend (16 bytes).
        $entry = if ($section.EntSize) { $section.EntSize } elseif ($section.Type -eq $script:SHT_RELA) { 24 } else { 16 }
        for ($at = $section.Offset; $at -lt $section.Offset + $section.Size; $at += $entry) {
            $symbol = [int64]([BitConverter]::ToUInt64($Bytes, $at + 8) -shr 32)   # ELF64_R_SYM(r_info)
            if ($symbol -eq 0 -or $seen.ContainsKey($symbol)) { continue }
            $seen[$symbol] = $true
            # .gnu.version holds one u16 per .dynsym entry; bit 15 marks a hidden symbol.
            $index = [BitConverter]::ToUInt16($Bytes, $versym.Offset + 2 * $symbol) -band 0x7FFF
            if ($index -eq $VersionIndex) {
                # Elf64_Sym: st_name u32 first; 24 bytes each.
                Read-ElfString $Bytes ($symbolNames + [BitConverter]::ToUInt32($Bytes, $dynsym.Offset + 24 * $symbol))
            }
        }
    }
}

function Set-ElfVersionNeedWeak {
    <#
    Sets VER_FLG_WEAK on the requirement for $Version in a 64-bit little-endian ELF shared library, in place.
    Returns 'Patched', 'AlreadyWeak' or 'NotRequired' (the library does not ask for $Version). Throws, without
    changing the file, when a relocation refers to a symbol of that version: the library really calls into it.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Version)
    $bytes = [IO.File]::ReadAllBytes($Path)
    $sections = @(Get-ElfSection -Bytes $bytes -Path $Path)
    $need = Get-ElfVersionNeed -Bytes $bytes -Sections $sections | Where-Object Version -EQ $Version | Select-Object -First 1
    if (-not $need) { return 'NotRequired' }

    $used = @(Get-ElfRelocatedSymbol -Bytes $bytes -Sections $sections -VersionIndex $need.Index)
    if ($used.Count -gt 0) {
        throw ("$(Split-Path -Leaf $Path) calls $($used -join ', ') from $Version ($($need.File)). Marking that version " +
            "weak would make it crash on systems whose libstdc++ lacks $Version, so the build stops here. This TorchSharp " +
            "needs a newer libstdc++ (GCC 13 or later) on the machines that run the module.")
    }
    if ($need.Flags -band $script:VER_FLG_WEAK) { return 'AlreadyWeak' }

    $flags = [uint16]($need.Flags -bor $script:VER_FLG_WEAK)
    $stream = [IO.File]::Open($Path, [IO.FileMode]::Open, [IO.FileAccess]::Write)
    try {
        $stream.Position = $need.FlagsOffset
        $stream.Write([BitConverter]::GetBytes($flags), 0, 2)
    } finally { $stream.Dispose() }
    return 'Patched'
}

function Repair-LibTorchSharp {
    <#
    Marks the GLIBCXX_3.4.32 requirement of the libLibTorchSharp.so in $Folder weak (see the top of this file).
    Does nothing when the folder has no libLibTorchSharp.so (Windows and macOS builds). Returns what it did.
    #>
    param([Parameter(Mandatory)] [string] $Folder)
    $library = Join-Path $Folder 'libLibTorchSharp.so'
    if (-not (Test-Path -LiteralPath $library)) { return 'NotRequired' }
    return Set-ElfVersionNeedWeak -Path $library -Version $script:LibTorchSharpMissingVersion
}
