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

    # Rows of the file Invoke-AETraining -Path trains on in a new pwsh for its peak working set (0 skips it).
    [ValidateRange(0, 10000000)]
    [int] $PeakRows = 1000000,

    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$hasPath = (Get-Command Invoke-AETraining).Parameters.ContainsKey('Path')   # older builds lack -Path
$inv = [Globalization.CultureInfo]::InvariantCulture
$work = Join-Path ([IO.Path]::GetTempPath()) "psae-session-$PID"
$null = New-Item -ItemType Directory -Force -Path $work
$csv = Join-Path $work 'rows.csv'

# 20 standard-normal columns, as the training benchmark and training_reference.py use.
Add-Type -TypeDefinition @'
public static class PsaeSessionCsv
{
    public static void Write(string path, int rows)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var rnd = new System.Random(1);
        using var writer = new System.IO.StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 20);
        var names = new string[20];
        for (int c = 0; c < 20; c++) names[c] = "c" + c;
        writer.WriteLine(string.Join(",", names));
        var values = new string[20];
        for (int i = 0; i < rows; i++)
        {
            for (int c = 0; c < 20; c++)
            {
                double u1 = 1.0 - rnd.NextDouble(), u2 = rnd.NextDouble();
                values[c] = (System.Math.Sqrt(-2.0 * System.Math.Log(u1)) * System.Math.Cos(2 * System.Math.PI * u2)).ToString("0.#####", inv);
            }
            writer.WriteLine(string.Join(",", values));
        }
    }
}
'@
[PsaeSessionCsv]::Write($csv, $Rows)

function New-Spec { New-AEModel -HiddenSize 64 -LatentSize 8 -BatchSize 256 -Epochs $Epochs -Patience 0 -LearningRate 0.001 -Scaling None -Seed 1 }

function Get-CpuSeconds { $p = [Diagnostics.Process]::GetCurrentProcess(); $p.Refresh(); $p.TotalProcessorTime.TotalSeconds }

function Measure-Read {
    $cpu = Get-CpuSeconds
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = Import-Csv -LiteralPath $csv | Measure-Object
    [pscustomobject]@{ How = 'read'; TotalS = $clock.Elapsed.TotalSeconds; CpuS = (Get-CpuSeconds) - $cpu }
}

function Measure-Training([string] $How, [scriptblock] $Train) {
    $cpu = Get-CpuSeconds
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $model = & $Train
    $total = $clock.Elapsed.TotalSeconds
    $cpu = (Get-CpuSeconds) - $cpu
    $epochSeconds = ($model.History | Measure-Object -Property Seconds -Sum).Sum
    $trainRows = $model.TrainingRows
    [pscustomobject]@{
        How          = $How
        EpochSeconds = $epochSeconds / $model.History.Count
        EpochRowsPerS = $trainRows * $model.History.Count / $epochSeconds
        OutsideS     = $total - $epochSeconds
        TotalS       = $total
        CpuS         = $cpu
    }
}

function Measure-Peak {
    # Peak working set of a new pwsh: the module's baseline (imported, libtorch loaded, a small model trained from a
    # file) and then Invoke-AETraining -Path on $PeakRows rows x 20 (one epoch), against the size of the rows as floats.
    $big = Join-Path $work 'peak.csv'
    [PsaeSessionCsv]::Write($big, $PeakRows)
    $small = Join-Path $work 'peak-small.csv'
    [PsaeSessionCsv]::Write($small, 2000)
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $script = @"
`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'
Import-Module '$ModulePath'
`$null = Invoke-AETraining -LiteralPath '$small' -Epochs 1 -Seed 1
`$p = [Diagnostics.Process]::GetCurrentProcess(); `$p.Refresh(); `$base = `$p.PeakWorkingSet64
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$m = Invoke-AETraining -LiteralPath '$big' -Epochs 1 -Seed 1 -BatchSize 256
`$total = `$clock.Elapsed.TotalSeconds; `$p.Refresh()
'{0} {1} {2} {3}' -f `$base, `$p.PeakWorkingSet64, `$total, (`$m.History | Measure-Object Seconds -Sum).Sum
"@
    $f = (& $pwsh -NoProfile -NonInteractive -Command $script | Select-Object -Last 1) -split ' '
    $floats = $PeakRows * 20 * 4
    $over = [long]$f[1] - [long]$f[0]
    [pscustomobject]@{
        Ratio = $over / $floats
        Text  = 'Invoke-AETraining -Path on {0:N0} rows x 20 (1 epoch, new pwsh): baseline peak working set {1:N0} MB, peak {2:N0} MB, {3:N0} MB over the baseline = {4:N2}x the rows as floats ({5:N0} MB); {6:N1} s, of which {7:N1} s epochs' -f `
            $PeakRows, ([long]$f[0] / 1MB), ([long]$f[1] / 1MB), ($over / 1MB), ($over / $floats), ($floats / 1MB), [double]::Parse($f[2], $inv), [double]::Parse($f[3], $inv)
    }
}

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

Write-Host ("Training in a session: {0:N0} rows x 20, 20-64-8-64-20, batch 256, {1} epochs, {2} rounds; {3} cores, PowerShell {4}" -f $Rows, $Epochs, $Rounds, [Environment]::ProcessorCount, $PSVersionTable.PSVersion)
$results = [Collections.Generic.List[object]]::new()
$peak = $null
try {
    for ($round = 1; $round -le $Rounds; $round++) {
        $results.Add((Measure-Read))
        $results.Add((Measure-Training 'streamed' { Import-Csv -LiteralPath $csv | Invoke-AETraining -Model (New-Spec) }))
        if ($hasPath) { $results.Add((Measure-Training 'file' { Invoke-AETraining -LiteralPath $csv -Model (New-Spec) })) }
        $held = Import-Csv -LiteralPath $csv
        $results.Add((Measure-Training 'held' { $held | Invoke-AETraining -Model (New-Spec) }))
        Remove-Variable held
    }
    if ($PeakRows -gt 0 -and $hasPath) { $peak = Measure-Peak }
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
$fileRuns = @($results | Where-Object How -EQ 'file')
$read = Get-Median @(($results | Where-Object How -EQ 'read').TotalS)
$sets = @(@{ Name = 'streamed (Import-Csv | Invoke-AETraining)'; Runs = $streamed }, @{ Name = 'held ($rows | Invoke-AETraining)'; Runs = $heldRuns })
if ($fileRuns) { $sets += @{ Name = 'file (Invoke-AETraining -Path)'; Runs = $fileRuns } }
$summary = foreach ($set in $sets) {
    $rate = Get-Median @($set.Runs.EpochRowsPerS)
    [pscustomobject]@{
        Rows            = $set.Name
        'epoch s'       = [Math]::Round((Get-Median @($set.Runs.EpochSeconds)), 3)
        'epoch rows/s'  = [Math]::Round($rate)
        'vs PyTorch'    = if ($pytorch) { [Math]::Round($rate / $pytorch, 2) } else { 'n/a' }
        'outside epochs s' = [Math]::Round((Get-Median @($set.Runs.OutsideS)), 2)
        'outside / read' = [Math]::Round((Get-Median @($set.Runs.OutsideS)) / $read, 2)
        'total s'       = [Math]::Round((Get-Median @($set.Runs.TotalS)), 2)
        'total cpu s'   = [Math]::Round((Get-Median @($set.Runs.CpuS)), 2)
    }
}
$summary | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$readCpu = Get-Median @(($results | Where-Object How -EQ 'read').CpuS)
Write-Host ("Import-Csv f.csv | Measure-Object (reading the rows alone): {0:N2} s ({1:N2} s of CPU); 'outside / read' is the time outside the epochs over this" -f $read, $readCpu)
if ($peak) { Write-Host $peak.Text }
$outside = { param($how) (Get-Median @(($results | Where-Object How -EQ $how).OutsideS)) / $read }
Write-Host ("Side by side: time outside the epochs / Import-Csv read: held {0:N2} (goal at most 1.5), file {1} (goal at most 0.5); -Path peak working set over the baseline / rows as floats: {2} (goal at most 2)" -f `
    (& $outside 'held'), ($fileRuns ? ('{0:N2}' -f (& $outside 'file')) : 'n/a'), ($peak ? ('{0:N2}' -f $peak.Ratio) : 'n/a'))
$ratio = (Get-Median @($heldRuns.EpochSeconds)) / (Get-Median @($streamed.EpochSeconds))
Write-Host ("held / streamed epoch time: {0:N2}" -f $ratio)
Write-Host ($pytorch ? ("PyTorch eager (training_reference.py, 1 thread, batch 256): {0:N0} rows/s" -f $pytorch) : 'PyTorch eager: skipped (no python3 with torch; on Debian: apt-get install python3-torch)')
