<#
.SYNOPSIS
    Runs one case of the native-memory stress suite in this process, with full garbage collections forced in the
    background, and compares every run with the same work done first without them.
.DESCRIPTION
    Called by Stress.Tests.ps1 in a child pwsh per case, so that a crash (a native scalar or tensor freed mid-call
    by a collection) fails one case with its exit code instead of ending the test run. It can be run by hand too:

        dotnet pwsh ./tests/Pester/Stress.ps1 -Case CrossValidation -Runs 30

    The baseline is computed before the collector starts. Then a second runspace forces a full collection (and waits
    for the finalizers) every few milliseconds while the case runs -Runs times; each run's results must equal the
    baseline exactly. Prints one JSON object: the case, the runs, how many differed, and the seconds taken.
.PARAMETER Case
    CrossValidation: Find-AELatentSize with its folds on parallel threads.
    FileScan:        Test-AEAnomaly -Path -AnomaliesOnly over a large CSV file.
    Parallel:        ForEach-Object -Parallel, four runspaces scoring with one shared model.
    TrainingJobs:    two ThreadJobs training models at once.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [ValidateSet('CrossValidation', 'FileScan', 'Parallel', 'TrainingJobs')]
    [string] $Case,

    [ValidateRange(1, 1000)]
    [int] $Runs = 2,

    # Milliseconds between forced collections.
    [ValidateRange(0, 1000)]
    [int] $CollectEveryMilliseconds = 3,

    # Rows of the file the FileScan case reads.
    [ValidateRange(1000, 10000000)]
    [int] $FileRows = 200000,

    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../../out/PSAnomalyAE/PSAnomalyAE.psd1'),

    # Where the FileScan case writes its files (a new temporary folder by default; removed at the end).
    [string] $WorkFolder
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModuleManifest

$inv = [Globalization.CultureInfo]::InvariantCulture
$ownFolder = -not $WorkFolder
if ($ownFolder) { $WorkFolder = Join-Path ([IO.Path]::GetTempPath()) ("psae-stress-" + [Guid]::NewGuid().ToString('n')) }
$null = New-Item -ItemType Directory -Force -Path $WorkFolder

function New-FactorRows {
    # Twenty columns driven by three hidden factors through tanh, plus noise: the shape of a fleet's metrics.
    # The loadings are the same for every call (one system); the seed draws the rows.
    param([int] $Count, [int] $Seed)
    $fixed = [Random]::new(20)
    $loadings = [double[, ]]::new(3, 20)
    for ($f = 0; $f -lt 3; $f++) { for ($c = 0; $c -lt 20; $c++) { $loadings[$f, $c] = $fixed.NextDouble() * 2 - 1 } }
    $rnd = [Random]::new($Seed)
    for ($i = 0; $i -lt $Count; $i++) {
        $z = 0..2 | ForEach-Object { $rnd.NextDouble() * 2 - 1 }
        $row = [ordered]@{ timestamp = ([datetime]'2026-01-01').AddMinutes($i).ToString('s', $inv) }
        for ($c = 0; $c -lt 20; $c++) {
            $v = [Math]::Tanh($z[0] * $loadings[0, $c] + $z[1] * $loadings[1, $c] + $z[2] * $loadings[2, $c]) + 0.05 * ($rnd.NextDouble() - 0.5)
            $row["m$c"] = $v.ToString('R', $inv)
        }
        [pscustomobject]$row
    }
}

function Write-BigCsv {
    # The FileScan file: blocks of generated rows, every 37th row of a block pushed far off so some rows are flagged.
    param([string] $Path, [object[]] $Block, [int] $Rows)
    $columns = @($Block[0].PSObject.Properties.Name)
    $lines = foreach ($r in 0..($Block.Count - 1)) {
        $values = foreach ($c in $columns) {
            $v = $Block[$r].$c
            if ($c -ne 'timestamp' -and $r % 37 -eq 5) { ([double]$v * 4 + 3).ToString('R', $inv) } else { $v }
        }
        $values -join ','
    }
    $writer = [IO.StreamWriter]::new($Path, $false, [Text.UTF8Encoding]::new($false), 1MB)
    try {
        $writer.WriteLine($columns -join ',')
        for ($written = 0; $written -lt $Rows; $written += $lines.Count) {
            foreach ($l in $lines[0..([Math]::Min($lines.Count, $Rows - $written) - 1)]) { $writer.WriteLine($l) }
        }
    } finally { $writer.Dispose() }
}

# The work of one run; each returns a flat array of numbers (and counts) that must equal the baseline's exactly.
$prepare = @{
    CrossValidation = {
        $script:cvRows = @(New-FactorRows -Count 3000 -Seed 3)
    }
    FileScan        = {
        $train = @(New-FactorRows -Count 2000 -Seed 4)
        $script:scanModel = $train | Invoke-AETraining -Model (New-AEModel -HiddenSize 32 -LatentSize 3 -Epochs 8 -Seed 4) -ExcludeProperty timestamp
        $script:scanFile = Join-Path $WorkFolder 'big.csv'
        Write-BigCsv -Path $scanFile -Block @(New-FactorRows -Count 2000 -Seed 5) -Rows $FileRows
    }
    Parallel        = {
        $script:parModel = @(New-FactorRows -Count 1500 -Seed 6) | Invoke-AETraining -Model (New-AEModel -HiddenSize 32 -LatentSize 3 -Epochs 8 -Seed 6) -ExcludeProperty timestamp
        $script:parRows = @(New-FactorRows -Count 8000 -Seed 7)
    }
    TrainingJobs    = {
        $script:jobRows = @(New-FactorRows -Count 2000 -Seed 8)
    }
}

$run = @{
    CrossValidation = {
        $r = @($cvRows | Find-AELatentSize -LatentSize 1, 2, 3, 4, 6, 8, 12 -Folds 3 -ExcludeProperty timestamp -Seed 0)
        @($r | ForEach-Object { $_.LatentSize; $_.MeanError; $_.StdDev; $_.Recommended })
    }
    FileScan        = {
        $out = Join-Path $WorkFolder 'alerts.csv'
        Test-AEAnomaly -Model $scanModel -Path $scanFile -AnomaliesOnly | Export-Csv -LiteralPath $out -NoTypeInformation
        $alerts = @(Import-Csv -LiteralPath $out)
        @($alerts.Count) + @($alerts | ForEach-Object { [double]::Parse($_.Score, $inv) })
    }
    Parallel        = {
        $manifest = $ModuleManifest
        $model = $parModel
        $chunks = 0..7 | ForEach-Object { , $parRows[($_ * 1000)..($_ * 1000 + 999)] }
        $parts = $chunks | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:manifest
            [pscustomobject]@{ First = $_[0].timestamp; Errors = @(($_ | Measure-AEReconstructionError -Model $using:model).Score) }
        } | Sort-Object First
        @($parts | ForEach-Object { $_.Errors })
    }
    TrainingJobs    = {
        $manifest = $ModuleManifest
        $jobs = 1, 2 | ForEach-Object {
            Start-ThreadJob -ArgumentList $manifest, $jobRows, $_ -ScriptBlock {
                param($manifest, $rows, $seed)
                Import-Module $manifest
                $m = $rows | Invoke-AETraining -Model (New-AEModel -HiddenSize 32, 16 -LatentSize 3 -Epochs 6 -Seed $seed) -ExcludeProperty timestamp
                , @(@($m.History | ForEach-Object { $_.TrainLoss; $_.ValidationLoss }) + @(($rows[0..499] | Measure-AEReconstructionError -Model $m).Score))
            }
        }
        $results = $jobs | Wait-Job | Receive-Job
        $jobs | Remove-Job
        @($results | ForEach-Object { $_ })
    }
}

# The serial baseline: the same work, in this process, with no collections forced.
& $prepare[$Case]
if ($Case -eq 'TrainingJobs') {
    # Serial: one job after the other.
    $baseline = @(foreach ($seed in 1, 2) {
            $m = $jobRows | Invoke-AETraining -Model (New-AEModel -HiddenSize 32, 16 -LatentSize 3 -Epochs 6 -Seed $seed) -ExcludeProperty timestamp
            @($m.History | ForEach-Object { $_.TrainLoss; $_.ValidationLoss }) + @(($jobRows[0..499] | Measure-AEReconstructionError -Model $m).Score)
        })
} elseif ($Case -eq 'Parallel') {
    # One pipeline; the runs score in chunks on four threads, and a pause for a collection can flush a short batch:
    # a row's score depends on neither.
    $baseline = @(($parRows | Measure-AEReconstructionError -Model $parModel).Score)
} else {
    $baseline = @(& $run[$Case])
}

# The collector: a second runspace forcing a full, blocking collection and running the finalizers, again and again.
$collector = [powershell]::Create()
$null = $collector.AddScript('param($ms) while ($true) { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [Threading.Thread]::Sleep($ms) }').AddArgument($CollectEveryMilliseconds)
$handle = $collector.BeginInvoke()
$clock = [Diagnostics.Stopwatch]::StartNew()
$differed = 0
try {
    for ($i = 1; $i -le $Runs; $i++) {
        $result = @(& $run[$Case])
        $same = $result.Count -eq $baseline.Count
        for ($j = 0; $same -and $j -lt $result.Count; $j++) { $same = $result[$j] -eq $baseline[$j] }
        if (-not $same) {
            $differed++
            Write-Warning "run $i of $Case differs from the serial baseline ($($result.Count) values, baseline $($baseline.Count))."
        }
    }
} finally {
    $collector.Stop()
    $collector.Dispose()
    if ($ownFolder) { Remove-Item -LiteralPath $WorkFolder -Recurse -Force -ErrorAction SilentlyContinue }
}

[pscustomobject]@{
    Case     = $Case
    Runs     = $Runs
    Differed = $differed
    Values   = $baseline.Count
    Seconds  = [Math]::Round($clock.Elapsed.TotalSeconds, 1)
} | ConvertTo-Json -Compress
