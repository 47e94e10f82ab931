#Requires -Version 7.4
<#
.SYNOPSIS
    Training speed where users train: Invoke-AETraining in a pwsh session, with the rows streamed from Import-Csv and
    with the rows held in a variable first, beside PyTorch eager on the same network and rows. Prints figures only.
.DESCRIPTION
    100,000 rows x 20 numeric columns (a CSV written first), a dense 20-64-8-64-20 autoencoder, batch 256, 3 epochs,
    one intra-op thread (the module's default). Epoch speed is taken from the model's History (rows of the training
    split per second of epoch time, the validation pass and the best-weight snapshot included); the time outside the
    epochs (reading and converting rows, the split, the scaler, held-out scores) is printed beside it.

    Two ways of passing the rows, in the same process:
      streamed   Import-Csv f.csv | Invoke-AETraining ...
      held       $rows = Import-Csv f.csv; $rows | Invoke-AETraining ...   (the session keeps 100,000 objects)
    A session that holds its rows has a large managed heap; anything in training that waits for the garbage collector
    shows up as a slower epoch in the held case.

    PyTorch eager: benchmarks/training_reference.py (same network, Adam, randperm batches, one thread), run with the
    system python3 when it has torch (Debian: apt-get install python3-torch); skipped otherwise.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-SessionTraining.ps1
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-SessionTraining.ps1 -Rows 20000 -Rounds 1
#>
[CmdletBinding()]
param(
    [ValidateRange(1000, 10000000)]
    [int] $Rows = 100000,

    # Rounds of (streamed, held); the medians are printed.
    [ValidateRange(1, 20)]
    [int] $Rounds = 2,

    [ValidateRange(1, 100)]
    [int] $Epochs = 3,

    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$inv = [Globalization.CultureInfo]::InvariantCulture
$work = Join-Path ([IO.Path]::GetTempPath()) "psae-session-$PID"
$null = New-Item -ItemType Directory -Force -Path $work
$csv = Join-Path $work 'rows.csv'

# 20 standard-normal columns, as the training benchmark and training_reference.py use.
$rnd = [Random]::new(1)
$writer = [IO.StreamWriter]::new($csv, $false, [Text.UTF8Encoding]::new($false), 1MB)
try {
    $writer.WriteLine((0..19 | ForEach-Object { "c$_" }) -join ',')
    $values = [string[]]::new(20)
    for ($i = 0; $i -lt $Rows; $i++) {
        for ($c = 0; $c -lt 20; $c++) {
            $u1 = 1.0 - $rnd.NextDouble(); $u2 = $rnd.NextDouble()
            $values[$c] = ([Math]::Sqrt(-2.0 * [Math]::Log($u1)) * [Math]::Cos(2 * [Math]::PI * $u2)).ToString('0.#####', $inv)
        }
        $writer.WriteLine([string]::Join(',', $values))
    }
} finally { $writer.Dispose() }

function New-Spec { New-AEModel -HiddenSize 64 -LatentSize 8 -BatchSize 256 -Epochs $Epochs -Patience 0 -LearningRate 0.001 -Scaling None -Seed 1 }

function Measure-Training([string] $How, [scriptblock] $Train) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $model = & $Train
    $total = $clock.Elapsed.TotalSeconds
    $epochSeconds = ($model.History | Measure-Object -Property Seconds -Sum).Sum
    $trainRows = $model.TrainingRows
    [pscustomobject]@{
        How          = $How
        EpochSeconds = $epochSeconds / $model.History.Count
        EpochRowsPerS = $trainRows * $model.History.Count / $epochSeconds
        OutsideS     = $total - $epochSeconds
        TotalS       = $total
    }
}

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

Write-Host ("Training in a session: {0:N0} rows x 20, 20-64-8-64-20, batch 256, {1} epochs, {2} rounds; {3} cores, PowerShell {4}" -f $Rows, $Epochs, $Rounds, [Environment]::ProcessorCount, $PSVersionTable.PSVersion)
$results = [Collections.Generic.List[object]]::new()
try {
    for ($round = 1; $round -le $Rounds; $round++) {
        $results.Add((Measure-Training 'streamed' { Import-Csv -LiteralPath $csv | Invoke-AETraining -Model (New-Spec) }))
        $held = Import-Csv -LiteralPath $csv
        $results.Add((Measure-Training 'held' { $held | Invoke-AETraining -Model (New-Spec) }))
        Remove-Variable held
    }
} finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

# PyTorch eager on the same network and as many rows, one thread, the same epochs.
$pytorch = $null
$script = Join-Path $PSScriptRoot 'training_reference.py'
foreach ($python in 'python3', '/usr/bin/python3') {
    if (-not (Get-Command $python -ErrorAction SilentlyContinue)) { continue }
    $json = & $python $script --threads 1 --batch 256 --epochs $Epochs --rows $Rows 2>$null
    if ($LASTEXITCODE -eq 0 -and $json) { $pytorch = ($json | Select-Object -Last 1 | ConvertFrom-Json).median; break }
}

$streamed = $results | Where-Object How -EQ 'streamed'
$heldRuns = $results | Where-Object How -EQ 'held'
$summary = foreach ($set in @(@{ Name = 'streamed (Import-Csv | Invoke-AETraining)'; Runs = $streamed }, @{ Name = 'held ($rows | Invoke-AETraining)'; Runs = $heldRuns })) {
    $rate = Get-Median @($set.Runs.EpochRowsPerS)
    [pscustomobject]@{
        Rows            = $set.Name
        'epoch s'       = [Math]::Round((Get-Median @($set.Runs.EpochSeconds)), 3)
        'epoch rows/s'  = [Math]::Round($rate)
        'vs PyTorch'    = if ($pytorch) { [Math]::Round($rate / $pytorch, 2) } else { 'n/a' }
        'outside epochs s' = [Math]::Round((Get-Median @($set.Runs.OutsideS)), 2)
        'total s'       = [Math]::Round((Get-Median @($set.Runs.TotalS)), 2)
    }
}
$summary | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$ratio = (Get-Median @($heldRuns.EpochSeconds)) / (Get-Median @($streamed.EpochSeconds))
Write-Host ("held / streamed epoch time: {0:N2}" -f $ratio)
Write-Host ($pytorch ? ("PyTorch eager (training_reference.py, 1 thread, batch 256): {0:N0} rows/s" -f $pytorch) : 'PyTorch eager: skipped (no python3 with torch; on Debian: apt-get install python3-torch)')
