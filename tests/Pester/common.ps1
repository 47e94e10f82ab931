# Shared set-up for the Pester tests: imports the built module (out/PSAnomalyAE) the way a user does.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = Join-Path $RepoRoot 'out/PSAnomalyAE/PSAnomalyAE.psd1'
if (-not (Test-Path -LiteralPath $ModuleManifest)) {
    throw "The module is not built: run ./build.ps1 Build first ($ModuleManifest is missing)."
}
if (-not (Get-Module PSAnomalyAE)) {
    Import-Module $ModuleManifest -ErrorAction Stop
}
$script:SharedData = Join-Path $RepoRoot '../shared/data'

function New-MetricRows {
    <#
    Rows of four correlated metrics driven by two hidden factors, as strings (as Import-Csv gives them),
    plus a timestamp and a host name that are not features.
    #>
    param([int] $Count = 600, [int] $Seed = 1, [int] $Start = 0)
    $rnd = [Random]::new($Seed)
    $inv = [Globalization.CultureInfo]::InvariantCulture
    for ($i = 0; $i -lt $Count; $i++) {
        $load = $rnd.NextDouble()
        $mem = $rnd.NextDouble()
        [pscustomobject]@{
            timestamp      = ([datetime]'2026-01-01').AddMinutes(5 * ($Start + $i)).ToString('s', $inv)
            host           = 'web' + ($i % 3)
            cpu_pct        = (20 + 60 * $load + $rnd.NextDouble()).ToString('0.###', $inv)
            requests_per_s = (100 + 900 * $load + 10 * $rnd.NextDouble()).ToString('0.###', $inv)
            memory_pct     = (30 + 40 * $mem + $rnd.NextDouble()).ToString('0.###', $inv)
            latency_ms     = (50 + 30 * $load + 20 * $mem + $rnd.NextDouble()).ToString('0.###', $inv)
        }
    }
}

function Invoke-Pwsh {
    <# Runs a script in a new pwsh process (with the module imported) and returns its output as JSON-decoded objects. #>
    param([Parameter(Mandatory)] [string] $Script)
    $pwsh = (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh'))
    $full = "Import-Module '$ModuleManifest' -ErrorAction Stop`n$Script"
    $json = & $pwsh -NoProfile -NonInteractive -Command $full
    if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed: $json" }
    $json | ConvertFrom-Json
}
