#Requires -Version 7.4
<#
.SYNOPSIS
    How well Test-AEAnomaly's explanations point at the cause of an anomaly, and whether the expected values they
    report are believable. Nothing here asserts a figure; read the tables.
.DESCRIPTION
    Sections (choose with -Section):
      Incidents  5-minute metrics of four hosts (web-1, web-2, db-1, db-2; a categorical column host) with correlated
                 columns on daily cycles: requests_per_s, cpu_pct (follows traffic), mem_pct (a sawtooth as memory
                 is reclaimed every three hours), latency_ms (rises with CPU), error_rate (rises with latency) and
                 disk_iops (follows traffic; the db hosts have busier disks and a nightly backup at 02:00). A model is
                 trained on -TrainDays normal days of all hosts (Invoke-AETraining -Seed -CategoricalProperty host
                 -ExcludeProperty timestamp). Three more days are then generated with incidents whose cause column
                 is known, each a run of rows at its own host and time:
                   spike              one column 6 standard deviations (of that host's training rows) above its value
                   stuck              one column frozen at its value at the incident's start while traffic ramps
                   broken_correlation one column takes the value it has 12 hours away, so it no longer agrees with a
                                      partner column (cpu busy at night while traffic is low, traffic low at the peak
                                      while cpu is busy, ...); the changed column or its partner counts as the cause
                   level_shift        one column 3 standard deviations (of that host's training rows) higher for hours
                   category_mix       a host's row carries another host's numbers of the same moment (cause: host)
                 The test days are scored with Test-AEAnomaly -Model -Top 3 at the model's own threshold. For each
                 incident row that is flagged, the rank of its cause in TopFeatures.Feature is found. The table gives,
                 per incident type: incident rows, flagged rows, the share of flagged rows whose cause comes first, and
                 the share with the cause among the first three; then every incident on its own, and the false
                 positives among the normal rows of the test days.
      Ranges     Whether the expected values are believable on real data (cardio, thyroid, satellite by default, from
                 -DataFolder). Each set's normal rows are shuffled with a seeded Fisher-Yates (System.Random -Seed);
                 the first 60 % train (-ExcludeProperty label), the other 40 % and every anomaly are scored with
                 -Top 3. Over the TopFeatures of the flagged rows, the numeric Expected values are counted, with those
                 outside the column's [min, max] over the training rows, and those below zero in a column that was
                 never negative in training.
    Only the output columns Anomaly and TopFeatures (Feature, Expected, IsCategorical) are read, so the script runs
    against any build of the module that writes them. Compare two builds in two processes, one per -ModulePath.
.EXAMPLE
    dotnet pwsh -NoProfile ./benchmarks/Measure-Explanations.ps1
.EXAMPLE
    dotnet pwsh -NoProfile ./benchmarks/Measure-Explanations.ps1 -Section Ranges -Dataset cardio -ModulePath ../other/out/PSAnomalyAE/PSAnomalyAE.psd1
#>
[CmdletBinding()]
param(
    [ValidateSet('Incidents', 'Ranges')]
    [string[]] $Section = @('Incidents', 'Ranges'),
    [int] $Seed = 1,
    [ValidateRange(3, 60)] [int] $TrainDays = 10,
    [string[]] $Dataset = @('cardio', 'thyroid', 'satellite'),
    [string] $DataFolder = (Join-Path $PSScriptRoot '../../shared/data/tabular'),
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$inv = [Globalization.CultureInfo]::InvariantCulture
$columns = 'requests_per_s', 'cpu_pct', 'mem_pct', 'latency_ms', 'error_rate', 'disk_iops'
$perDay = 288

function New-FleetMetrics([int] $Days, [int] $Seed) {
    # Returns $values[host][column] = double[] over Days * 288 five-minute steps, every host at the same moments.
    $profiles = [ordered]@{
        'web-1' = @{ Traffic = 1.0; CpuBase = 6; CpuPerReq = 0.055; MemBase = 52; LatBase = 38; DiskBase = 40; DiskPerReq = 0.3; Backup = 0; Phase = 0 }
        'web-2' = @{ Traffic = 0.6; CpuBase = 5; CpuPerReq = 0.07; MemBase = 45; LatBase = 42; DiskBase = 30; DiskPerReq = 0.3; Backup = 0; Phase = 9 }
        'db-1'  = @{ Traffic = 0.45; CpuBase = 10; CpuPerReq = 0.14; MemBase = 72; LatBase = 12; DiskBase = 400; DiskPerReq = 3; Backup = 800; Phase = 18 }
        'db-2'  = @{ Traffic = 0.3; CpuBase = 8; CpuPerReq = 0.2; MemBase = 62; LatBase = 15; DiskBase = 250; DiskPerReq = 4; Backup = 600; Phase = 27 }
    }
    $rnd = [Random]::new($Seed)
    $gauss = { [math]::Sqrt(-2 * [math]::Log(1 - $rnd.NextDouble())) * [math]::Cos(2 * [math]::PI * $rnd.NextDouble()) }
    $start = [datetime]'2026-03-02T00:00:00'
    $total = $Days * $perDay
    $values = [ordered]@{}
    foreach ($h in $profiles.Keys) {
        $values[$h] = @{}
        foreach ($c in $columns) { $values[$h][$c] = [double[]]::new($total) }
    }
    for ($i = 0; $i -lt $total; $i++) {
        $time = $start.AddMinutes(5 * $i)
        $hour = $time.TimeOfDay.TotalHours
        $weekend = if ($time.DayOfWeek -in 'Saturday', 'Sunday') { 0.7 } else { 1.0 }
        $daily = 0.5 - 0.5 * [math]::Cos(2 * [math]::PI * ($hour - 3) / 24)
        foreach ($h in $profiles.Keys) {
            $p = $profiles[$h]
            $traffic = [math]::Max(3, (120 + 880 * $daily) * $p.Traffic * $weekend * (1 + 0.04 * (& $gauss)) + 15 * $p.Traffic * (& $gauss))
            $cpu = [math]::Min(100, [math]::Max(1, $p.CpuBase + $p.CpuPerReq * $traffic + 1.5 * (& $gauss)))
            $latency = $p.LatBase + 0.012 * $cpu * $cpu + 2.5 * (& $gauss)
            $disk = ($p.DiskBase + $p.DiskPerReq * $traffic) * (1 + 0.05 * (& $gauss))
            if ($hour -ge 2 -and $hour -lt 2.5) { $disk += $p.Backup }
            $v = $values[$h]
            $v.requests_per_s[$i] = [math]::Round($traffic, 1)
            $v.cpu_pct[$i] = [math]::Round($cpu, 1)
            $v.mem_pct[$i] = [math]::Round([math]::Min(100, $p.MemBase + 14 * ((($i + $p.Phase) % 36) / 36) + 0.004 * $traffic + 0.8 * (& $gauss)), 1)
            $v.latency_ms[$i] = [math]::Round([math]::Max(1, $latency), 1)
            $v.error_rate[$i] = [math]::Round(0.15 + 0.003 * $latency + [math]::Abs(0.05 * (& $gauss)), 3)
            $v.disk_iops[$i] = [math]::Round([math]::Max(0, $disk))
        }
    }
    $values
}

function ConvertTo-Rows($Values, [int] $From, [int] $Count, $HostLabels) {
    # One object per host and step, in time order; $HostLabels[host][k] overrides the host column when given.
    $start = [datetime]'2026-03-02T00:00:00'
    for ($k = 0; $k -lt $Count; $k++) {
        $stamp = $start.AddMinutes(5 * ($From + $k)).ToString('yyyy-MM-ddTHH:mm:ss', $inv)
        foreach ($h in $Values.Keys) {
            $row = [ordered]@{ timestamp = $stamp; host = $(if ($HostLabels) { $HostLabels[$h][$k] } else { $h }) }
            foreach ($c in $columns) { $row[$c] = $Values[$h][$c][$From + $k] }
            [pscustomobject]$row
        }
    }
}

function Get-Std([double[]] $x) {
    $mean = ($x | Measure-Object -Average).Average
    [math]::Sqrt(($x | ForEach-Object { ($_ - $mean) * ($_ - $mean) } | Measure-Object -Sum).Sum / $x.Count)
}

function Format-Pct($Part, $Whole) { if ($Whole -gt 0) { '{0:N1}' -f (100.0 * $Part / $Whole) } else { '-' } }

if ('Incidents' -in $Section) {
    $testDays = 3
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $values = New-FleetMetrics -Days ($TrainDays + $testDays) -Seed $Seed
    $trainSteps = $TrainDays * $perDay
    $train = @(ConvertTo-Rows $values 0 $trainSteps $null)
    $model = $train | Invoke-AETraining -Seed $Seed -CategoricalProperty host -ExcludeProperty timestamp
    $trainSeconds = $clock.Elapsed.TotalSeconds
    $std = @{}
    foreach ($h in $values.Keys) {
        $std[$h] = @{}
        foreach ($c in $columns) { $std[$h][$c] = Get-Std $values[$h][$c][0..($trainSteps - 1)] }
    }

    # The test days: a copy of the generated values that the incidents change; $values itself stays as generated.
    $testSteps = $testDays * $perDay
    $test = [ordered]@{}; $hostLabels = @{}; $cause = @{}
    foreach ($h in $values.Keys) {
        $test[$h] = @{}
        foreach ($c in $columns) { $test[$h][$c] = [double[]]$values[$h][$c][$trainSteps..($trainSteps + $testSteps - 1)] }
        $hostLabels[$h] = [string[]]::new($testSteps); [Array]::Fill($hostLabels[$h], $h)
        $cause[$h] = [object[]]::new($testSteps)
    }
    # Day is the test day (0-based), Hour when the run starts, Steps how many 5-minute rows it lasts; Partner is the
    # other column of a broken correlation, Source the host whose numbers a category_mix row carries.
    $incidents = @'
Type,Host,Day,Hour,Steps,Column,Partner,Source
spike,web-1,0,3.0,6,requests_per_s,,
spike,db-1,0,10.0,6,cpu_pct,,
spike,web-2,1,14.0,6,mem_pct,,
spike,db-2,1,20.0,6,latency_ms,,
spike,web-1,2,11.0,6,error_rate,,
spike,db-2,2,4.0,6,disk_iops,,
stuck,web-2,0,7.0,36,cpu_pct,,
stuck,db-1,1,7.5,36,requests_per_s,,
stuck,web-1,1,18.0,36,disk_iops,,
stuck,db-2,2,17.5,36,latency_ms,,
broken_correlation,web-1,0,1.0,12,cpu_pct,requests_per_s,
broken_correlation,db-1,1,15.0,12,disk_iops,requests_per_s,
broken_correlation,web-2,2,14.0,12,requests_per_s,cpu_pct,
broken_correlation,web-1,2,2.0,12,latency_ms,cpu_pct,
level_shift,db-2,0,12.0,48,mem_pct,,
level_shift,web-1,1,8.0,36,latency_ms,,
level_shift,web-2,1,22.0,36,disk_iops,,
level_shift,db-1,2,19.0,36,cpu_pct,,
category_mix,web-1,0,16.0,6,host,,db-1
category_mix,db-2,1,9.0,6,host,,web-2
category_mix,web-2,2,20.0,6,host,,web-1
category_mix,db-1,0,21.0,6,host,,db-2
'@ | ConvertFrom-Csv | ForEach-Object {
        @{ Type = $_.Type; Host = $_.Host; Day = [int]$_.Day; Hour = [double]::Parse($_.Hour, $inv); Steps = [int]$_.Steps; Column = $_.Column; Partner = $_.Partner; Source = $_.Source }
    }
    $id = 0
    foreach ($x in $incidents) {
        $x.Id = ++$id
        $x.From = $x.Day * $perDay + [int]($x.Hour * 12)
        $x.Causes = @($x.Column) + @($x.Partner | Where-Object { $_ })
        $series = $test[$x.Host][$x.Column]
        for ($k = $x.From; $k -lt $x.From + $x.Steps; $k++) {
            if ($cause[$x.Host][$k]) { throw "Incidents $($cause[$x.Host][$k].Id) and $($x.Id) overlap." }
            $cause[$x.Host][$k] = $x
            $pct = $x.Column -like '*_pct'
            switch ($x.Type) {
                'spike' { $series[$k] += 6 * $std[$x.Host][$x.Column] }
                'stuck' { $series[$k] = $series[$x.From] }
                'broken_correlation' {
                    $away = if ($x.From + $x.Steps + $perDay / 2 -le $testSteps) { $perDay / 2 } else { - $perDay / 2 }
                    $series[$k] = $values[$x.Host][$x.Column][$trainSteps + $k + $away]
                }
                'level_shift' { $series[$k] += 3 * $std[$x.Host][$x.Column] }
                'category_mix' { foreach ($c in $columns) { $test[$x.Host][$c][$k] = $values[$x.Source][$c][$trainSteps + $k] } }
            }
            if ($pct) { $series[$k] = [math]::Min(100, $series[$k]) }
            if ($x.Column -ne 'host') { $series[$k] = [math]::Round($series[$k], 3) }
        }
    }

    $testRows = @(ConvertTo-Rows $test 0 $testSteps $hostLabels)
    $scored = @($testRows | Test-AEAnomaly -Model $model -Top 3)
    if ($scored.Count -ne $testRows.Count) { throw "Test-AEAnomaly wrote $($scored.Count) rows for $($testRows.Count)." }
    $model.Dispose()

    # Rows are in time order with the hosts in $test's order at each step.
    $hosts = @($test.Keys)
    $normalRows = 0; $falsePositives = 0
    $results = for ($r = 0; $r -lt $scored.Count; $r++) {
        $x = $cause[$hosts[$r % $hosts.Count]][[math]::Floor($r / $hosts.Count)]
        $row = $scored[$r]
        if (-not $x) { $normalRows++; if ($row.Anomaly) { $falsePositives++ }; continue }
        $features = @($row.TopFeatures | ForEach-Object Feature)
        $rank = 0
        for ($j = 0; $j -lt $features.Count; $j++) { if ($features[$j] -in $x.Causes) { $rank = $j + 1; break } }
        [pscustomobject]@{ Incident = $x; Flagged = [bool]$row.Anomaly; Rank = $rank; First = $features | Select-Object -First 1 }
    }

    $summarise = {
        param($Name, $Rows, $Extra)
        $flagged = @($Rows | Where-Object Flagged)
        $row = [ordered]@{ Incident = $Name }
        foreach ($k in $Extra.Keys) { $row[$k] = $Extra[$k] }
        $row.Rows = @($Rows).Count
        $row.Flagged = $flagged.Count
        $row.CauseFirstPct = Format-Pct (@($flagged | Where-Object Rank -EQ 1).Count) $flagged.Count
        $row.CauseTop3Pct = Format-Pct (@($flagged | Where-Object Rank -GT 0).Count) $flagged.Count
        [pscustomobject]$row
    }
    $types = 'spike', 'stuck', 'broken_correlation', 'level_shift', 'category_mix'
    $byType = foreach ($t in $types) { & $summarise $t @($results | Where-Object { $_.Incident.Type -eq $t }) @{} }
    $overall = & $summarise 'overall' $results @{}
    "`nIncidents: $($hosts.Count) hosts, $TrainDays training days ($($train.Count) rows, trained in $([math]::Round($trainSeconds, 1)) s), $testDays test days ($($testRows.Count) rows), seed $Seed."
    'Rank of the cause in TopFeatures (-Top 3) over the flagged incident rows; broken_correlation counts the changed column or its partner.'
    @($byType) + $overall | Format-Table -Property Incident, Rows, Flagged, @{ Name = 'CauseFirst%'; Expression = 'CauseFirstPct'; Align = 'Right' }, @{ Name = 'CauseTop3%'; Expression = 'CauseTop3Pct'; Align = 'Right' } -AutoSize | Out-String -Width 200
    'Normal rows of the test days: {0}, flagged: {1} ({2} %).' -f $normalRows, $falsePositives, (Format-Pct $falsePositives $normalRows)

    $each = foreach ($x in $incidents) {
        $rows = @($results | Where-Object { $_.Incident.Id -eq $x.Id })
        $extra = [ordered]@{ Host = $x.Host; Start = 'day {0} {1:00}:{2:00}' -f $x.Day, [math]::Floor($x.Hour), (60 * ($x.Hour % 1)); Cause = ($x.Causes -join '|') + $(if ($x.Source) { " ($($x.Source)'s numbers)" }) }
        $s = & $summarise $x.Type $rows $extra
        $s | Add-Member MostBlamed (@($rows | Where-Object Flagged | Group-Object First | Sort-Object Count -Descending | Select-Object -First 1).Name)
        $s
    }
    'Each incident (MostBlamed: the feature most often first among its flagged rows):'
    $each | Format-Table -Property Incident, Host, Start, Cause, Rows, Flagged, @{ Name = 'CauseFirst%'; Expression = 'CauseFirstPct'; Align = 'Right' }, @{ Name = 'CauseTop3%'; Expression = 'CauseTop3Pct'; Align = 'Right' }, MostBlamed -AutoSize | Out-String -Width 200
}

if ('Ranges' -in $Section) {
    $table = foreach ($name in $Dataset) {
        $all = @(Import-Csv (Join-Path $DataFolder "$name.csv"))
        $normal = @($all | Where-Object label -EQ '0')
        $anomalies = @($all | Where-Object label -EQ '1')
        $order = [int[]](0..($normal.Count - 1))
        $rnd = [Random]::new($Seed)
        for ($i = $order.Count - 1; $i -gt 0; $i--) { $j = $rnd.Next($i + 1); $order[$i], $order[$j] = $order[$j], $order[$i] }
        $trainCount = [math]::Floor(0.6 * $normal.Count)
        $train = @(foreach ($i in 0..($trainCount - 1)) { $normal[$order[$i]] })
        $test = @(foreach ($i in $trainCount..($normal.Count - 1)) { $normal[$order[$i]] }) + $anomalies
        $min = @{}; $max = @{}
        foreach ($c in $train[0].PSObject.Properties.Name | Where-Object { $_ -ne 'label' }) {
            $m = $train | ForEach-Object { [double]::Parse($_.$c, $inv) } | Measure-Object -Minimum -Maximum
            $min[$c] = $m.Minimum; $max[$c] = $m.Maximum
        }
        $model = $train | Invoke-AETraining -ExcludeProperty label -Seed $Seed
        $flagged = @($test | Test-AEAnomaly -Model $model -Top 3 | Where-Object Anomaly)
        $model.Dispose()
        $expected = @($flagged | ForEach-Object { $_.TopFeatures } | Where-Object { -not $_.IsCategorical -and $_.Expected -is [double] })
        $outside = @($expected | Where-Object { $_.Expected -lt $min[$_.Feature] -or $_.Expected -gt $max[$_.Feature] })
        $negative = @($expected | Where-Object { $_.Expected -lt 0 -and $min[$_.Feature] -ge 0 })
        [pscustomobject]@{
            Set = $name; TrainRows = $train.Count; ScoredRows = $test.Count; Columns = $min.Count
            NeverNegativeColumns = @($min.Values | Where-Object { $_ -ge 0 }).Count; Flagged = $flagged.Count; Expected = $expected.Count
            OutsideRange = $outside.Count; OutsidePct = Format-Pct $outside.Count $expected.Count
            NegativeNeverNegative = $negative.Count
        }
    }
    "`nExpected values in TopFeatures (-Top 3) of flagged rows, against each column's range over the training rows (seed $Seed)."
    'NeverNegativeColumns: columns with no negative training value; NegativeNeverNegative: Expected values below zero in one of them.'
    $table | Format-Table -Property Set, TrainRows, ScoredRows, Columns, NeverNegativeColumns, Flagged, Expected, OutsideRange, @{ Name = 'Outside%'; Expression = 'OutsidePct'; Align = 'Right' }, NegativeNeverNegative -AutoSize | Out-String -Width 200
}
