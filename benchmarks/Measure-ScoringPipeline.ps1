#Requires -Version 7.4
<#
.SYNOPSIS
    Prints figures for the scoring pipeline: Test-AEAnomaly against Import-Csv | Export-Csv, the -Path fast path
    against the pipeline on a large file (time and peak working set), and Import-Module to first score.
    Nothing here asserts a time; read the figures.
.DESCRIPTION
    Sections (choose with -Section):
      Ratio    Import-Csv f | Test-AEAnomaly | Export-Csv o against Import-Csv f | Export-Csv o (-Rows rows, best of
               -Repeat), and the floor PowerShell itself sets: a compiled cmdlet that only copies each row and adds
               eight note properties (what any scoring cmdlet must do at least), and the same cmdlet adding them to the
               row itself, as Add-Member -PassThru does (what not copying would save).
      File     -FileRows rows (default 1,000,000): Import-Csv | Measure-Object (reading alone) and
               Import-Csv | Test-AEAnomaly | Where-Object Anomaly against
               Test-AEAnomaly -Path -AnomaliesOnly, and -Path writing every row, each in its own pwsh so the peak
               working set is its own; the -Path case again on a quarter of the rows shows memory does not grow with
               the file, and the -Path scan a second time in the same pwsh.
      Startup  a new pwsh that imports the module, loads a model file and scores one row, against a bare pwsh start
               (median of -Repeat runs each): wall seconds, and the CPU seconds of the new process (all its threads),
               which it prints as it ends. -CompareModulePath measures another build in the same rounds (and, in
               File, runs its Test-AEAnomaly -Path -AnomaliesOnly right after this build's).
    The files have -Columns feature columns (default 20) beside a timestamp and a host name.
    Times are wall-clock and process CPU (user + system); on a busy machine CPU time is the steadier of the two.
    -ModulePath picks the module, so the same script measures an older build (it skips -Path cases a build lacks).
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-ScoringPipeline.ps1 -Section Ratio, Startup
#>
[CmdletBinding()]
param(
    [ValidateSet('Ratio', 'File', 'Startup')]
    [string[]] $Section = @('Ratio', 'File', 'Startup'),
    [int] $Rows = 20000,
    [int] $FileRows = 1000000,
    [int] $Repeat = 5,
    # Feature columns of the generated files (beside a timestamp and a host name).
    [ValidateRange(1, 1000)]
    [int] $Columns = 20,
    # The model's score; Reconstruction measures the reconstruction error alone (no neighbour distance).
    [ValidateSet('ReconstructionAndDistance', 'Reconstruction')]
    [string] $Scoring = 'ReconstructionAndDistance',
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1'),
    # Startup and File: another build (e.g. an older one) measured in the same run, beside -ModulePath's.
    [string] $CompareModulePath
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$inv = [Globalization.CultureInfo]::InvariantCulture
$work = Join-Path ([IO.Path]::GetTempPath()) "psae-pipe-$PID"
$null = New-Item -ItemType Directory -Force -Path $work
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

Add-Type -TypeDefinition @'
public static class PsaeBenchCsv
{
    // Server metrics: a timestamp, a host name and $columns features driven by two hidden factors (load, memory);
    // about 1 row in 200 is an incident (the first feature far above its range).
    public static void Write(string path, int count, int seed, int columns)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var rnd = new System.Random(seed);
        using var w = new System.IO.StreamWriter(path);
        var names = new string[columns];
        for (int c = 0; c < columns; c++) names[c] = "m" + (c + 1);
        w.WriteLine("timestamp,host," + string.Join(",", names));
        for (int i = 0; i < count; i++)
        {
            double load = rnd.NextDouble(), mem = rnd.NextDouble();
            bool incident = rnd.Next(200) == 0;
            w.Write(i.ToString(inv)); w.Write(",web"); w.Write((i % 50).ToString(inv));
            for (int c = 0; c < columns; c++)
            {
                double x = ((c % 2 == 0) ? load : mem) * (10 + c) + c + rnd.NextDouble();
                if (incident && c == 0) x = 97 + rnd.NextDouble();
                w.Write(','); w.Write(x.ToString("0.###", inv));
            }
            w.WriteLine();
        }
    }
}
'@
function Write-Csv([string] $Path, [int] $Count, [int] $Seed) { [PsaeBenchCsv]::Write($Path, $Count, $Seed, $Columns) }

function Measure-Once([scriptblock] $Script) {
    # Wall seconds and CPU seconds (this process, user + system) of one run.
    $proc = [Diagnostics.Process]::GetCurrentProcess()
    [GC]::Collect()
    $proc.Refresh(); $cpu0 = $proc.TotalProcessorTime
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $Script
    $sw.Stop(); $proc.Refresh()
    [pscustomobject]@{ Wall = $sw.Elapsed.TotalSeconds; Cpu = ($proc.TotalProcessorTime - $cpu0).TotalSeconds }
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor($Values.Count / 2)] }

function Measure-Against([scriptblock] $Base, [scriptblock] $Case, [int] $Times) {
    # Runs base and case in turn $Times times; the medians of the per-pair ratios hold up on a busy machine.
    $pairs = for ($i = 0; $i -lt $Times; $i++) { [pscustomobject]@{ Base = Measure-Once $Base; Case = Measure-Once $Case } }
    [pscustomobject]@{
        Wall = Get-Median $pairs.Case.Wall; Cpu = Get-Median $pairs.Case.Cpu
        BaseWall = Get-Median $pairs.Base.Wall; BaseCpu = Get-Median $pairs.Base.Cpu
        WallRatio = Get-Median ($pairs | ForEach-Object { $_.Case.Wall / $_.Base.Wall })
        CpuRatio = Get-Median ($pairs | ForEach-Object { $_.Case.Cpu / $_.Base.Cpu })
    }
}

Import-Module $ModulePath
$hasPath = (Get-Command Test-AEAnomaly).Parameters.ContainsKey('Path')
$train = Join-Path $work 'train.csv'
Write-Csv $train 2000 1
$modelFile = Join-Path $work 'model.aemodel'
$scoringArgs = $PSBoundParameters.ContainsKey('Scoring') ? @{ Scoring = $Scoring } : @{}   # older builds lack -Scoring
$model = Import-Csv $train | Invoke-AETraining -Seed 1 -Epochs 5 -ExcludeProperty timestamp, host @scoringArgs
Export-AEModel -Model $model -Path $modelFile -Force
Write-Host ("PSAnomalyAE scoring pipeline: {0} cores, PowerShell {1}, module {2}" -f [Environment]::ProcessorCount, $PSVersionTable.PSVersion, $ModulePath)

if ('Ratio' -in $Section) {
    Write-Host ("`n== Pipeline against Import-Csv | Export-Csv ({0:N0} rows; medians of {1} runs, each case in turn with the base)" -f $Rows, $Repeat)
    Add-Type -TypeDefinition @'
using System.Management.Automation;
[Cmdlet("Copy", "RowWithEightProperties")]
public sealed class CopyRowWithEightPropertiesCommand : PSCmdlet
{
    private static readonly string[] Names = { "Score", "Threshold", "Anomaly", "ScoreToThreshold", "Severity", "ScorePercentile", "TopFeatures", "Reason" };
    [Parameter(ValueFromPipeline = true)] public PSObject InputObject { get; set; }
    // Add the properties to the row itself, as Add-Member -PassThru does, instead of to a copy.
    [Parameter] public SwitchParameter InPlace { get; set; }
    protected override void ProcessRecord()
    {
        PSObject row = InPlace ? InputObject : InputObject.Copy();
        foreach (string name in Names) row.Properties.Add(new PSNoteProperty(name, 1.0), true);
        WriteObject(row);
    }
}
'@ -PassThru | ForEach-Object { Import-Module -Assembly $_.Assembly } | Out-Null
    $csv = Join-Path $work 'ratio.csv'
    $out = Join-Path $work 'ratio-out.csv'
    Write-Csv $csv $Rows 2
    $null = Import-Csv $csv | Select-Object -First 100 | Test-AEAnomaly -Model $model   # libtorch loaded, code jitted
    $base = { Import-Csv $csv | Export-Csv $out }
    $cases = [ordered]@{
        'Import-Csv | Test-AEAnomaly | Export-Csv'                 = { Import-Csv $csv | Test-AEAnomaly -Model $model | Export-Csv $out }
        'Import-Csv | Test-AEAnomaly (no Export-Csv)'              = { Import-Csv $csv | Test-AEAnomaly -Model $model | Out-Null }
        'Import-Csv | Measure-AEReconstructionError | Export-Csv'  = { Import-Csv $csv | Measure-AEReconstructionError -Model $model | Export-Csv $out }
        'floor: Import-Csv | copy + 8 note properties | Export-Csv' = { Import-Csv $csv | Copy-RowWithEightProperties | Export-Csv $out }
        'floor: 8 note properties on the row itself (no copy)'     = { Import-Csv $csv | Copy-RowWithEightProperties -InPlace | Export-Csv $out }
    }
    if ($hasPath) { $cases['Import-Csv | Test-AEAnomaly -AnomaliesOnly | Export-Csv'] = { Import-Csv $csv | Test-AEAnomaly -Model $model -AnomaliesOnly | Export-Csv $out } }
    '{0,-60} {1,8} {2,8}   {3}' -f 'case', 'wall s', 'CPU s', 'against Import-Csv | Export-Csv (wall / CPU; its own wall s / CPU s)'
    foreach ($name in $cases.Keys) {
        $r = Measure-Against $base $cases[$name] $Repeat
        '{0,-60} {1,8:N3} {2,8:N3}   {3,5:N2}x / {4,5:N2}x  ({5:N3} / {6:N3})' -f $name, $r.Wall, $r.Cpu, $r.WallRatio, $r.CpuRatio, $r.BaseWall, $r.BaseCpu
    }
}

if ('File' -in $Section) {
    Write-Host ("`n== A file of {0:N0} rows x {1} features: -Path against the pipeline (each case in a new pwsh)" -f $FileRows, $Columns)
    $big = Join-Path $work 'big.csv'
    Write-Csv $big $FileRows 3
    $quarter = Join-Path $work 'quarter.csv'
    Write-Csv $quarter ([int]($FileRows / 4)) 4
    $caseModule = @{}
    $caseWarm = @{}
    $cases = [ordered]@{
        'Import-Csv | Measure-Object (reading alone)'      = "Import-Csv '$big' | Measure-Object"
        'Import-Csv | Test-AEAnomaly | Where-Object Anomaly' = "Import-Csv '$big' | Test-AEAnomaly -Model `$m | Where-Object Anomaly"
    }
    if ($hasPath) {
        $cases['Test-AEAnomaly -Path -AnomaliesOnly'] = "Test-AEAnomaly -Model `$m -LiteralPath '$big' -AnomaliesOnly"
        if ($CompareModulePath) {
            # The same scan by another build, next in turn, so both see the machine alike.
            $cases['Test-AEAnomaly -Path -AnomaliesOnly (compared build)'] = $cases['Test-AEAnomaly -Path -AnomaliesOnly']
            $caseModule['Test-AEAnomaly -Path -AnomaliesOnly (compared build)'] = (Resolve-Path $CompareModulePath).Path
        }
        # The same scan again in the same pwsh: what a session that has scored before pays (the first scan of a new
        # process also pays for the runtime compiling PowerShell's and .NET's hot methods again, optimised).
        $cases['Test-AEAnomaly -Path -AnomaliesOnly (again, same session)'] = $cases['Test-AEAnomaly -Path -AnomaliesOnly']
        $caseWarm['Test-AEAnomaly -Path -AnomaliesOnly (again, same session)'] = $true
        $cases['Test-AEAnomaly -Path -AnomaliesOnly (a quarter of the rows)'] = "Test-AEAnomaly -Model `$m -LiteralPath '$quarter' -AnomaliesOnly"
        $cases['Test-AEAnomaly -Path (every row written)'] = "Test-AEAnomaly -Model `$m -LiteralPath '$big'"
        $cases['Measure-AEReconstructionError -Path (every row written)'] = "Measure-AEReconstructionError -Model `$m -LiteralPath '$big'"
    }
    $results = [ordered]@{}
    foreach ($name in $cases.Keys) {
        # The model is loaded and libtorch started before the clock, as in the pipeline case.
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($caseModule[$name] ?? $ModulePath)'
`$m = Import-AEModel '$modelFile'
`$null = Import-Csv '$train' | Select-Object -First 10 | Test-AEAnomaly -Model `$m
$($caseWarm[$name] ? "`$null = $($cases[$name])" : '')
`$p = [Diagnostics.Process]::GetCurrentProcess(); `$cpu0 = `$p.TotalProcessorTime
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$n = 0; $($cases[$name]) | ForEach-Object { `$n++ }
`$sw.Stop(); `$p.Refresh()
'{0} {1} {2} {3}' -f `$sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture), (`$p.TotalProcessorTime - `$cpu0).TotalSeconds.ToString([cultureinfo]::InvariantCulture), `$p.PeakWorkingSet64, `$n
"@
        $line = & $pwsh -NoProfile -NonInteractive -Command $script 2>$null | Select-Object -Last 1
        $f = $line -split ' '
        if ($f.Count -ne 4) { Write-Warning "$name failed: $line"; continue }
        $results[$name] = [pscustomobject]@{ Wall = [double]::Parse($f[0], $inv); Cpu = [double]::Parse($f[1], $inv); PeakMB = [long]$f[2] / 1MB; Written = [long]$f[3] }
    }
    $pipe = $results['Import-Csv | Test-AEAnomaly | Where-Object Anomaly']
    foreach ($name in $results.Keys) {
        $r = $results[$name]
        $rows = $name -like '*quarter*' ? [int]($FileRows / 4) : $FileRows
        '{0,-62} {1,7:N1} s wall {2,7:N1} s CPU {3,10:N0} rows/s  peak working set {4,5:N0} MB  {5,9:N0} rows written  speed-up {6,5:N1}x' -f `
            $name, $r.Wall, $r.Cpu, ($rows / $r.Wall), $r.PeakMB, $r.Written, (($rows / $r.Wall) / ($FileRows / $pipe.Wall))
    }
}

if ('Startup' -in $Section) {
    Write-Host ("`n== Import-Module to first score (median of {0} new pwsh processes)" -f $Repeat)
    $row = Join-Path $work 'one.csv'
    Write-Csv $row 1 5
    function Measure-Start([string] $Command) {
        # The process's own CPU time, printed last (user + system, every thread: libtorch's load may run on its own).
        $cpu = '; [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds.ToString([cultureinfo]::InvariantCulture)'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = & $pwsh -NoProfile -NonInteractive -Command ($Command + $cpu) 2>$null
        $wall = $sw.Elapsed.TotalSeconds
        [pscustomobject]@{ Wall = $wall; Cpu = [double]::Parse(@($out)[-1], $inv) }
    }
    $commands = [ordered]@{
        'bare pwsh start'                                    = '$null = 0'
        'pwsh + Import-Module'                               = "Import-Module '$ModulePath'"
        'pwsh + Import-Module + Import-AEModel + first score' = "Import-Module '$ModulePath'; `$m = Import-AEModel '$modelFile'; `$null = Import-Csv '$row' | Test-AEAnomaly -Model `$m"
    }
    if ($CompareModulePath) {
        $other = (Resolve-Path $CompareModulePath).Path
        Write-Host "   (compared with $other, in the same rounds)"
        $commands['pwsh + Import-Module (compared build)'] = "Import-Module '$other'"
        $commands['... + Import-AEModel + first score (compared build)'] = "Import-Module '$other'; `$m = Import-AEModel '$modelFile'; `$null = Import-Csv '$row' | Test-AEAnomaly -Model `$m"
    }
    # In turn, so that a busy moment of the machine falls on all alike; medians, and the median extra time per round.
    $rounds = for ($i = 0; $i -lt $Repeat; $i++) {
        $t = [ordered]@{}
        foreach ($k in $commands.Keys) { $t[$k] = Measure-Start $commands[$k] }
        [pscustomobject]$t
    }
    foreach ($k in $commands.Keys) {
        $extra = Get-Median ($rounds | ForEach-Object { $_.$k.Wall - $_.'bare pwsh start'.Wall })
        $extraCpu = Get-Median ($rounds | ForEach-Object { $_.$k.Cpu - $_.'bare pwsh start'.Cpu })
        '{0,-52} {1,6:N2} s  (+{2:N2} s over a bare start)   CPU {3,6:N2} s  (+{4:N2} s)' -f $k, (Get-Median $rounds.$k.Wall), $extra, (Get-Median $rounds.$k.Cpu), $extraCpu
    }
}

Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
