#Requires -Version 7.4
<#
.SYNOPSIS
    The module on the Numenta Anomaly Benchmark under NAB's rules: one output per series in NAB's results layout, then
    the NAB score (standard, reward_low_FP_rate and reward_low_FN_rate profiles) from ../shared/tools/nab/nab_score.py.
.DESCRIPTION
    Per series, in the data file's order: a model (-WindowSize rows of the value, every other setting the module's
    default, -Seed) is trained on the probationary rows, the first min(15 % of the rows, 750), and then every row of
    the series is scored in order by one Test-AEAnomaly stream with -Adapt, so each row's score comes from it and the
    rows before it. With the likelihood the warm-up is the probationary period (-WarmUpRows), as NAB allows; the
    likelihood score (0-1) is the anomaly_score. Without it, the score's ratio to the model's threshold r is written as
    r / (1 + r), so the threshold sits at 0.5. Rows with no score yet (the first window) get 0.

    Each -Adapt value is one detector, written to -OutputFolder/<name> and scored on the series of -SeriesFile
    (NAB's optimiser picks one threshold per profile for all of them). Tune only on dev39.txt; the other NAB series
    are kept for judging.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-NAB.ps1 -NabPath ~/NAB
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-NAB.ps1 -NabPath ~/NAB -Adapt Stream, 'Likelihood, NewRange', Learning, None
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $NabPath,
    [string[]] $Adapt = @('Stream'),
    [string] $SeriesFile = (Join-Path $PSScriptRoot '../../shared/tools/nab/dev39.txt'),
    [int] $WindowSize = 8,
    [int] $Seed = 0,
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../out/nab'),
    [string] $ScoreTool = (Join-Path $PSScriptRoot '../../shared/tools/nab/nab_score.py'),
    [string] $Python = '/usr/bin/python3',
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1'),
    [switch] $SkipScoring,
    # Extra parameters for Invoke-AETraining and Test-AEAnomaly (the module's defaults otherwise), and a name for the variant.
    [hashtable] $TrainingParameters = @{},
    [hashtable] $ScoringParameters = @{},
    [string] $Name
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$series = Get-Content $SeriesFile | Where-Object { $_ -and -not $_.StartsWith('#') } | ForEach-Object Trim
$inv = [cultureinfo]::InvariantCulture

foreach ($mode in $Adapt) {
    $name = "psanomalyae-$((($mode, $Name) -join ' ').Trim().ToLowerInvariant() -replace '[^a-z0-9]+', '-')"
    $folder = Join-Path $OutputFolder $name
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $scoring = [TimeSpan]::Zero
    $total = 0
    foreach ($relative in $series) {
        $rows = Import-Csv (Join-Path $NabPath "data/$relative")
        $probation = [math]::Min([math]::Floor(0.15 * $rows.Count), 750)
        $model = $rows[0..($probation - 1)] | Invoke-AETraining -WindowSize $WindowSize -Property value -Seed $Seed @TrainingParameters
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $scored = @($rows | Test-AEAnomaly -Model $model -Adapt $mode -WarmUpRows $probation -Top 0 @ScoringParameters)
        $scoring += $watch.Elapsed
        $total += $rows.Count
        $likelihood = $mode -match 'Likelihood|Stream'
        $lines = [Collections.Generic.List[string]]::new($rows.Count + 1)
        $lines.Add('timestamp,value,anomaly_score')
        for ($i = 0; $i -lt $scored.Count; $i++) {
            $s = if ($null -eq $scored[$i].Score) { 0.0 }
                 elseif ($likelihood) { [math]::Min(1.0, [double]$scored[$i].Score) }
                 else { $r = [double]$scored[$i].ScoreToThreshold; $r / (1 + $r) }
            $lines.Add("$($rows[$i].timestamp),$($rows[$i].value),$($s.ToString('R', $inv))")
        }

        $target = Join-Path $folder $relative
        $null = New-Item -ItemType Directory -Force (Split-Path $target)
        [IO.File]::WriteAllLines($target, $lines)
        $model.Dispose()
    }

    '{0}: {1:N0} rows of {2} series in {3:N0} s; scoring {4:N0} rows/s through Test-AEAnomaly -Adapt {0}' -f $mode, $total, $series.Count, $clock.Elapsed.TotalSeconds, ($total / $scoring.TotalSeconds)
    if (-not $SkipScoring) {
        & $Python $ScoreTool --nab-dir $NabPath --results $folder --detector $name --series-file $SeriesFile
    }
}
