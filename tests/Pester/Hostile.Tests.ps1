# Small model files, and deserialized models carrying them, that ask for what no model has: each is refused with the
# module's error before anything is allocated. The engine's cases: tests/PSAnomalyAE.Engine.Tests/HostileModelTests.cs.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $model = New-MetricRows -Count 200 -Seed 1 |
        Invoke-AETraining -Model (New-AEModel -Epochs 2 -HiddenSize 8 -LatentSize 2 -Scoring Reconstruction) -Seed 1
    $good = Join-Path $TestDrive 'good.aemodel'
    Export-AEModel -Model $model -Path $good

    function Edit-AEModelHeader {
        <# Writes a copy of a model file with its JSON header text rewritten by a script block, and its SHA-256 made good. #>
        param([string] $Source, [string] $Destination, [scriptblock] $Edit)
        $bytes = [IO.File]::ReadAllBytes($Source)
        $length = [BitConverter]::ToInt32($bytes, 12)
        $header = [Text.Encoding]::UTF8.GetString($bytes, 16, $length)
        $json = [Text.Encoding]::UTF8.GetBytes((& $Edit $header))
        $rest = $bytes[(16 + $length)..($bytes.Length - 33)]
        $body = [byte[]]($bytes[0..11] + [BitConverter]::GetBytes($json.Length) + $json + $rest)
        [IO.File]::WriteAllBytes($Destination, [byte[]]($body + [Security.Cryptography.SHA256]::HashData($body)))
    }
}

Describe 'A model file asking for a 65536 x 65536 network' {
    BeforeAll {
        $hostile = Join-Path $TestDrive 'hostile.aemodel'
        Edit-AEModelHeader $good $hostile { param($h) $h -replace '"HiddenSize":\[[^\]]*\]', '"HiddenSize":[65536,65536]' }
        # The same file as a deserialized model carries it: the Clixml of the good model with its model file swapped.
        $clixml = Join-Path $TestDrive 'hostile.xml'
        $model | Export-Clixml -LiteralPath (Join-Path $TestDrive 'good.xml')
        $base64 = [Convert]::ToBase64String([IO.File]::ReadAllBytes($good))
        $xml = Get-Content -Raw -LiteralPath (Join-Path $TestDrive 'good.xml')
        $xml.Contains($base64) | Should -BeTrue
        Set-Content -LiteralPath $clixml -Value $xml.Replace($base64, [Convert]::ToBase64String([IO.File]::ReadAllBytes($hostile))) -NoNewline
    }

    It 'is a small file' {
        (Get-Item $hostile).Length | Should -BeLessThan 8KB
    }

    It 'is refused from the file and from Clixml in a process whose memory stays under 500 MB' {
        $child = Invoke-Pwsh @"
function Refusal([scriptblock] `$try) {
    try { `$null = & `$try; 'accepted' } catch { "`$(`$_.FullyQualifiedErrorId)|`$(`$_.Exception.Message)" }
}
[pscustomobject]@{
    Import = Refusal { Import-AEModel -LiteralPath '$hostile' -ErrorAction Stop }
    Info   = Refusal { Get-AEModelInfo -LiteralPath '$hostile' -ErrorAction Stop }
    Clixml = Refusal { [pscustomobject]@{ cpu_pct = 1 } | Test-AEAnomaly -Model (Import-Clixml -LiteralPath '$clixml') -ErrorAction Stop }
    Peak   = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
} | ConvertTo-Json
"@
        $message = '*65536 x 65536*needs 8.6 billion weights; PSAnomalyAE loads models of up to 268.4 million*'
        $child.Import | Should -BeLike "InvalidModelFile,*|$message"
        $child.Info | Should -BeLike "InvalidModelFile,*|$message"
        $child.Clixml | Should -BeLike $message
        $child.Peak | Should -BeLessThan 500MB
    }
}

Describe 'A model file with a header no model has' {
    It 'is refused as an invalid model file: <Case>' -ForEach @(
        @{ Case = 'latent size -1'; Edit = { param($h) $h -replace '("Architecture":\{.*?"LatentSize":)\d+', '${1}-1' }; Message = '*latent size -1 is not between 1 and 65536*' }
        @{ Case = 'hidden size 0'; Edit = { param($h) $h -replace '("Architecture":\{.*?"HiddenSize":)\[[^\]]*\]', '${1}[0]' }; Message = '*hidden size `[0`] needs 1 or more layers*' }
        @{ Case = 'threshold -5'; Edit = { param($h) $h -replace '("Threshold":\{"Value":)[^,]+', '${1}-5' }; Message = '*threshold -5 is not a finite number of 0 or more*' }
        @{ Case = 'threshold 1e400'; Edit = { param($h) $h -replace '("Threshold":\{"Value":)[^,]+', '${1}1e400' }; Message = '*threshold Infinity is not a finite number of 0 or more*' }
        @{ Case = 'a repeated feature'; Edit = { param($h) $h -replace '"memory_pct"', '"CPU_PCT"' }; Message = '*is listed more than once*' }
        @{ Case = 'a subnormal scale'; Edit = { param($h) $h -replace '("Scale":\[)[^,\]]+', '${1}1e-320' }; Message = '*input 1 has scale 1E-320*' }
    ) {
        $path = Join-Path $TestDrive 'bad.aemodel'
        Edit-AEModelHeader $good $path $Edit
        $err = { Import-AEModel -LiteralPath $path -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidModelFile,*'
        $err.Exception.Message | Should -BeLike $Message
    }
}
