BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $train = New-MetricRows -Count 800 -Seed 1
    $model = $train | Invoke-AETraining -Seed 1 -Epochs 80 -LatentSize 2
    $validation = New-MetricRows -Count 300 -Seed 2 -Start 800
    $null = $validation | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Model $model -Percentile 99

    # Today's rows: normal ones and two incidents that break the relationships between the metrics.
    $today = @(New-MetricRows -Count 200 -Seed 3 -Start 1100)
    $today[50].cpu_pct = '97'                      # CPU pegged while traffic is ordinary
    $today[120].requests_per_s = '5'               # traffic gone while CPU and latency look busy
    $todayCsv = Join-Path $TestDrive 'today.csv'
    $today | Export-Csv -LiteralPath $todayCsv
}

Describe 'Measure-AEReconstructionError' {
    It 'emits every row, in input order, with Score, ReconstructionError and per-feature errors added' {
        $out = $validation[0..9] | Measure-AEReconstructionError -Model $model
        $out | Should -HaveCount 10
        $out.timestamp | Should -Be $validation[0..9].timestamp
        $out[0].Score | Should -BeOfType [double]
        $out[0].ReconstructionError | Should -BeOfType [double]
        $fe = $out[0].FeatureErrors
        $fe.PSObject.Properties.Name | Should -Be $model.FeatureNames
    }

    It 'scores a typical normal row about 2 by default: reconstruction and neighbour distance, each 1 at its median' {
        $model.Scoring | Should -Be 'ReconstructionAndDistance'
        $scores = ($validation | Measure-AEReconstructionError -Model $model).Score | Sort-Object
        $scores[[int]($scores.Count / 2)] | Should -BeGreaterThan 1.2
        $scores[[int]($scores.Count / 2)] | Should -BeLessThan 3
    }

    It 'shows a default-scored row''s Score beside its terms: ReconstructionError, the mean of its feature errors, and NeighbourDistance' {
        $out = $validation[0..4] | Measure-AEReconstructionError -Model $model
        $out[0].PSObject.Properties.Name | Select-Object -Skip 6 | Should -Be 'Score', 'ReconstructionError', 'NeighbourDistance', 'FeatureErrors'
        foreach ($row in $out) {
            $row.NeighbourDistance | Should -BeOfType [double]
            $row.NeighbourDistance | Should -BeGreaterThan 0
            ($row.FeatureErrors.PSObject.Properties.Value | Measure-Object -Average).Average | Should -BeGreaterOrEqual ($row.ReconstructionError * 0.999)
            ($row.FeatureErrors.PSObject.Properties.Value | Measure-Object -Average).Average | Should -BeLessOrEqual ($row.ReconstructionError * 1.001)
            $row.Score | Should -Not -Be $row.ReconstructionError
        }
        $tested = $validation[0..4] | Test-AEAnomaly -Model $model
        $tested[0].PSObject.Properties.Name | Select-Object -Skip 6 -First 6 |
            Should -Be 'Score', 'ReconstructionError', 'NeighbourDistance', 'Threshold', 'Anomaly', 'ScoreToThreshold'
        $tested.Score | Should -Be $out.Score
        $tested.ReconstructionError | Should -Be $out.ReconstructionError
        $tested.NeighbourDistance | Should -Be $out.NeighbourDistance
    }

    It 'with -Scoring Reconstruction, scores a row by its mean squared error, the mean of its feature errors' {
        $plain = $train | Invoke-AETraining -Seed 1 -Epochs 20 -LatentSize 2 -Scoring Reconstruction
        $plain.Scoring | Should -Be 'Reconstruction'
        $out = $validation[0..4] | Measure-AEReconstructionError -Model $plain
        $out[0].PSObject.Properties.Name | Should -Not -Contain 'NeighbourDistance'
        foreach ($row in $out) {
            $row.Score | Should -Be $row.ReconstructionError
            ($row.FeatureErrors.PSObject.Properties.Value | Measure-Object -Average).Average | Should -BeGreaterOrEqual ($row.ReconstructionError * 0.999)
            ($row.FeatureErrors.PSObject.Properties.Value | Measure-Object -Average).Average | Should -BeLessOrEqual ($row.ReconstructionError * 1.001)
        }
    }

    It 'with -Scoring Isolation, shows the forest''s score beside Score and names the column a row is off in' {
        $forest = $train | Invoke-AETraining -Seed 1 -Epochs 5 -LatentSize 2 -Scoring Isolation
        $forest.Scoring | Should -Be 'Isolation'
        $odd = $validation[10].PSObject.Copy()
        $odd.cpu_pct = '400'
        $out = @($validation[0..99]) + $odd | Test-AEAnomaly -Model $forest
        $out[0].PSObject.Properties.Name | Select-Object -Skip 6 -First 3 | Should -Be 'Score', 'Isolation', 'Threshold'
        $out.Isolation | ForEach-Object { $_ | Should -BeGreaterThan 0; $_ | Should -BeLessOrEqual 1 }
        $ratio = $out[0].Score / $out[0].Isolation
        $out | ForEach-Object { $_.Score / $_.Isolation | Should -BeGreaterThan ($ratio * 0.999999); $_.Score / $_.Isolation | Should -BeLessThan ($ratio * 1.000001) }
        $out[100].Score | Should -BeGreaterThan ($out.Score | Sort-Object)[50]
        $out[100].TopFeatures[0].Feature | Should -Be 'cpu_pct'
    }

    It 'leaves the caller''s objects unchanged' {
        $null = $validation[0] | Measure-AEReconstructionError -Model $model
        $validation[0].PSObject.Properties.Name | Should -Not -Contain 'Score'
        $validation[0].PSObject.Properties.Name | Should -Not -Contain 'ReconstructionError'
    }

    It 'gives the same scores when rows arrive in small or large batches' {
        $a = ($validation | Measure-AEReconstructionError -Model $model -BatchSize 7).Score
        $b = ($validation | Measure-AEReconstructionError -Model $model -BatchSize 4096).Score
        $a | Should -Be $b
    }

    It 'stops with one error that names every missing feature column' {
        $rowsWithout = $validation[0..2] | Select-Object timestamp, cpu_pct, requests_per_s
        $thrown = $null
        try { $rowsWithout | Measure-AEReconstructionError -Model $model -ErrorAction Stop } catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.MeasureAEReconstructionErrorCommand'
        $thrown.Exception.Message | Should -BeLike "*no columns 'memory_pct', 'latency_ms'*"
    }

    It 'refuses an untrained model' {
        { $validation | Measure-AEReconstructionError -Model (New-AEModel) } |
            Should -Throw -ErrorId 'ModelNotTrained,PSAnomalyAE.Commands.MeasureAEReconstructionErrorCommand'
    }
}

Describe 'Find-AEThreshold' {
    It 'takes the 99th percentile of the scores of normal rows by default' {
        $errors = ($validation | Measure-AEReconstructionError -Model $model).Score
        $t = $validation | Measure-AEReconstructionError -Model $model | Find-AEThreshold
        $t | Should -BeOfType PSAnomalyAE.AEThreshold
        $sorted = $errors | Sort-Object
        $rank = 0.99 * ($sorted.Count - 1)
        $lo = [math]::Floor($rank)
        $expected = $sorted[$lo] + ($sorted[$lo + 1] - $sorted[$lo]) * ($rank - $lo)
        $t.Threshold | Should -BeLikeExactly $expected
        $t.Method | Should -Be 'Percentile'
        $t.RowCount | Should -Be 300
        $t.FlaggedCount | Should -Be 3
    }

    It 'accepts plain numbers and stores the threshold on a model' {
        $m = $train[0..99] | Invoke-AETraining -Epochs 2 -Seed 1
        $t = 1..100 | Find-AEThreshold -Percentile 90 -Model $m
        [math]::Round($t.Threshold, 9) | Should -Be 90.1
        $m.Threshold | Should -Be $t.Threshold
        $m.ThresholdMethod | Should -Be 'Percentile 90 of 100 rows (Find-AEThreshold)'
    }

    It 'reads Score from rows that also carry a ReconstructionError' {
        $rows = 1..100 | ForEach-Object { [pscustomobject]@{ Score = $_; ReconstructionError = 1000 + $_ } }
        [math]::Round(($rows | Find-AEThreshold -Percentile 90).Threshold, 9) | Should -Be 90.1
    }

    It 'warns when there are too few rows for the percentile' {
        $null = 1..20 | Find-AEThreshold -Percentile 99.9 -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -HaveCount 1
        "$w" | Should -BeLike '*1000 rows are needed*'
    }

    It 'names a row that has no score' {
        $null = @([pscustomobject]@{ Score = 0.5 }, [pscustomobject]@{ x = 1 }) |
            Find-AEThreshold -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'MissingReconstructionError,PSAnomalyAE.Commands.FindAEThresholdCommand'
        $e[0].Exception.Message | Should -BeLike 'Row 2 has no Score property*'
    }
}

Describe 'Test-AEAnomaly' {
    It 'draws no progress bar for a quick score, and a completed one for work that runs past a quarter of a second' {
        $iss = [Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $iss.ImportPSModule($ModuleManifest)
        $ps = [powershell]::Create($iss)
        try {
            $null = $ps.AddScript('param($rows, $model) $null = $rows[0] | Test-AEAnomaly -Model $model').AddArgument($today).AddArgument($model)
            $null = $ps.Invoke()
            $ps.Streams.Progress.Clear()
            $null = $ps.Invoke() # a second one-row score: what a live feed polled row by row does
            $ps.Streams.Progress | Should -HaveCount 0

            $ps.Commands.Clear()
            $null = $ps.AddScript('param($rows, $model) $null = $rows[0..2] | ForEach-Object { Start-Sleep -Milliseconds 150; $_ } | Test-AEAnomaly -Model $model').AddArgument($today).AddArgument($model)
            $null = $ps.Invoke()
            $ps.Streams.Progress.RecordType | Should -Contain 'Processing'
            $ps.Streams.Progress[-1].RecordType | Should -Be 'Completed'
        } finally { $ps.Dispose() }
    }

    It 'flags the incidents in Import-Csv | Test-AEAnomaly | Where-Object Anomaly, keeping every column for Export-Csv' {
        $flagged = Import-Csv -LiteralPath $todayCsv | Test-AEAnomaly -Model $model | Where-Object Anomaly
        $flagged.timestamp | Should -Contain $today[50].timestamp
        $flagged.timestamp | Should -Contain $today[120].timestamp
        $flagged.Count | Should -BeLessOrEqual 6

        $out = Join-Path $TestDrive 'anomalies.csv'
        $flagged | Export-Csv -LiteralPath $out
        $back = Import-Csv -LiteralPath $out
        $columns = $back[0].PSObject.Properties.Name
        foreach ($c in 'timestamp', 'host', 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms', 'Score', 'ReconstructionError', 'NeighbourDistance', 'Threshold', 'Anomaly', 'ScoreToThreshold', 'Severity', 'ScorePercentile', 'Reason') {
            $columns | Should -Contain $c
        }
    }

    It 'explains a flagged row in the columns'' own units' {
        $row = $today[50] | Test-AEAnomaly -Model $model
        $row.Anomaly | Should -BeTrue
        $row.ScoreToThreshold | Should -Be ($row.Score / $row.Threshold)
        $top = $row.TopFeatures[0]
        $top | Should -BeOfType PSAnomalyAE.AEFeatureContribution
        $top.Feature | Should -Be 'cpu_pct'
        $top.Value | Should -Be 97
        $top.Direction | Should -Be 'High'
        $top.Expected | Should -BeGreaterThan 20
        $top.Expected | Should -BeLessThan 85
        $top.Expected | Should -BeLessOrEqual $top.TrainingMax
        $top.Expected | Should -BeGreaterOrEqual $top.TrainingMin
        $head = [string]::Format([cultureinfo]::InvariantCulture, '{0} anomaly (score {1:0.00}x threshold): ', $row.Severity, $row.ScoreToThreshold)
        $row.Reason | Should -BeLike ($head + 'cpu_pct 97.0*')
        $row.Reason | Should -Not -Match '\(High, \d+%\)'
        $row.Reason.Split(';').Count | Should -BeLessOrEqual 3
        $row.TopFeatures | Should -HaveCount 3
    }

    It 'writes a range of the nearest normal rows with a negative end as "low to high", not with a second minus sign' {
        # The same metrics as offsets below a baseline: every value, and so every range, is negative.
        $inv = [Globalization.CultureInfo]::InvariantCulture
        $below = { process { [pscustomobject]@{ cpu = ([double]$_.cpu_pct - 1000).ToString($inv); requests = ([double]$_.requests_per_s - 2000).ToString($inv); memory = ([double]$_.memory_pct - 1000).ToString($inv) } } }
        $negative = $train | & $below | Invoke-AETraining -Seed 1 -Epochs 5 -LatentSize 2 -WarningAction SilentlyContinue
        $rows = $today[0..39] | & $below | Test-AEAnomaly -Model $negative -Threshold 1e9 -Top 3
        $texts = @($rows.TopFeatures | Where-Object { $null -ne $_.NormalLow } | ForEach-Object ToString)
        $texts | Should -Not -BeNullOrEmpty
        $texts | Where-Object { $_ -match '\d--' } | Should -BeNullOrEmpty
        $texts -match 'where the nearest normal rows have -[\d.]+ to -[\d.]+ \(' | Should -Not -BeNullOrEmpty
    }

    It 'writes copies of Import-Csv rows that behave as the rows do, and leaves the rows themselves unchanged' {
        $rows = @(Import-Csv -LiteralPath $todayCsv)
        $before = $rows[0].PSObject.Properties.Name
        $out = $rows | Test-AEAnomaly -Model $model
        $rows[0].PSObject.Properties.Name | Should -Be $before
        $out[0].PSObject.Properties.Name | Select-Object -First $before.Count | Should -Be $before
        # The added properties are found by every way PowerShell reads a property, on the first row and the later ones.
        foreach ($i in 0, ($out.Count - 1)) {
            $out[$i].Score | Should -BeOfType [double]
            $out[$i].PSObject.Properties['Anomaly'].Value | Should -BeOfType [bool]
            ($out[$i] | Select-Object -ExpandProperty Severity) | Should -Not -BeNullOrEmpty
            $out[$i].cpu_pct | Should -Be $rows[$i].cpu_pct
        }
        ($out | Where-Object { $_.Score -gt 0 }) | Should -HaveCount $rows.Count
        # A copy's values are its own: setting one changes neither the row it came from nor the other copies.
        $out[1].cpu_pct = 'changed'
        $out[1].Score = -1
        $rows[1].cpu_pct | Should -Not -Be 'changed'
        $out[2].Score | Should -Not -Be -1
    }

    It 'gives every row the view''s type name, and a row whose type names are changed its own list' {
        $out = @(Import-Csv -LiteralPath $todayCsv | Test-AEAnomaly -Model $model)
        $out[0].PSObject.TypeNames | Should -Be 'PSAnomalyAE.AnomalyResult#timestamp/host', 'System.Management.Automation.PSCustomObject', 'System.Object'
        $out[1].PSObject.TypeNames.Insert(0, 'Mine')
        $out[1].PSObject.TypeNames[0] | Should -Be 'Mine'
        $out[2].PSObject.TypeNames[0] | Should -Be 'PSAnomalyAE.AnomalyResult#timestamp/host'
        $out[-1].PSObject.TypeNames | Should -Not -Contain 'Mine'
        ($out[2] | Format-Table | Out-String) | Should -Match 'ScoreToThreshold'
    }

    It 'scores its own output again with every column where it was, the results replaced' {
        $once = @(Import-Csv -LiteralPath $todayCsv | Test-AEAnomaly -Model $model)
        $twice = @($once | Test-AEAnomaly -Model $model -Threshold 0.5)
        $twice[0].PSObject.Properties.Name | Should -Be $once[0].PSObject.Properties.Name
        $twice.Score | Should -Be $once.Score
        $twice[-1].Threshold | Should -Be 0.5
        $once[-1].Threshold | Should -Be $model.Threshold
    }

    It 'does not depend on the column order of the file' {
        $reordered = $today | Select-Object latency_ms, host, memory_pct, timestamp, requests_per_s, cpu_pct
        ($reordered | Test-AEAnomaly -Model $model).Score |
            Should -Be ($today | Test-AEAnomaly -Model $model).Score
    }

    It 'reads each row by its own column names when rows of different shapes share one pipeline' {
        $i = 0
        $mixed = foreach ($row in $today) {
            switch ($i++ % 4) {
                0 { $row }
                1 { $row | Select-Object latency_ms, host, memory_pct, timestamp, requests_per_s, cpu_pct }
                2 { [pscustomobject]@{ CPU_PCT = $row.cpu_pct; Memory_Pct = $row.memory_pct; requests_per_s = $row.requests_per_s; LATENCY_MS = $row.latency_ms } }
                3 { @{ latency_ms = $row.latency_ms; cpu_pct = $row.cpu_pct; memory_pct = $row.memory_pct; requests_per_s = $row.requests_per_s } }
            }
        }
        ($mixed | Test-AEAnomaly -Model $model).Score | Should -Be ($today | Test-AEAnomaly -Model $model).Score
    }

    It 'uses -Threshold over the model''s threshold' {
        $r = $today[0..4] | Test-AEAnomaly -Model $model -Threshold 0
        $r.Anomaly | Should -Not -Contain $false
        $r[0].Threshold | Should -Be 0
    }

    It 'needs a threshold: the model''s or -Threshold' {
        $m = New-AEModel -ValidationFraction 0 -Epochs 2 -Seed 1
        $null = $train[0..49] | Invoke-AETraining -Model $m -WarningVariable w -WarningAction SilentlyContinue
        $m.Threshold | Should -BeNullOrEmpty
        # Without held-out rows the distance cannot be scaled: the model says so and scores by reconstruction alone.
        $m.Scoring | Should -Be 'Reconstruction'
        "$w" | Should -BeLike '*reconstruction error alone*-ValidationFraction 0*'
        { $today | Test-AEAnomaly -Model $m } | Should -Throw -ErrorId 'NoThreshold,PSAnomalyAE.Commands.TestAEAnomalyCommand'
    }

    It 'reports a bad value on its row and still scores the rows around it' {
        $rows = @($today[0], $today[1].PSObject.Copy(), $today[2])
        $rows[1].latency_ms = ''
        $out = $rows | Test-AEAnomaly -Model $model -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -HaveCount 2
        $out.timestamp | Should -Be $today[0].timestamp, $today[2].timestamp
        $e | Should -HaveCount 1
        $e[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $e[0].Exception.Message | Should -BeLike "Row 2: column 'latency_ms' is empty or missing*"
    }

    It 'separates the classes of a real labelled dataset (thyroid)' {
        $path = Join-Path $SharedData 'tabular/thyroid.csv'
        if (-not (Test-Path $path)) { Set-ItResult -Skipped -Because "$path is not beside the repository"; return }
        $all = Import-Csv $path
        $normal = @($all | Where-Object label -EQ '0')
        $anomalous = @($all | Where-Object label -EQ '1')
        $rng = [Random]::new(0)
        $normal = $normal | Sort-Object { $rng.Next() }
        $n = $normal.Count
        $m = $normal[0..([int]($n * 0.6) - 1)] | Invoke-AETraining -ExcludeProperty label -Seed 1
        $null = $normal[[int]($n * 0.6)..([int]($n * 0.8) - 1)] | Measure-AEReconstructionError -Model $m | Find-AEThreshold -Model $m
        $test = @($normal[[int]($n * 0.8)..($n - 1)]) + $anomalous | Test-AEAnomaly -Model $m
        # ROC-AUC: the chance that an anomaly outscores a normal row.
        $pos = @($test | Where-Object label -EQ '1').Score
        $neg = @($test | Where-Object label -EQ '0').Score | Sort-Object
        $wins = 0.0
        foreach ($p in $pos) { foreach ($q in $neg) { if ($p -gt $q) { $wins++ } elseif ($p -eq $q) { $wins += 0.5 } } }
        $auc = $wins / ($pos.Count * $neg.Count)
        Write-Host ("    thyroid ROC-AUC {0:F4}; recall at the threshold {1:P1}" -f $auc, (@($test | Where-Object { $_.label -eq '1' -and $_.Anomaly }).Count / $pos.Count))
        $auc | Should -BeGreaterThan 0.88 # measured 0.904 (seed 1)
    }
}

Describe 'Categorical columns' {
    BeforeAll {
        $rows = New-MetricRows -Count 600 -Seed 7
        $cat = $rows | Invoke-AETraining -CategoricalProperty host -Seed 1 -Epochs 30
    }

    It 'one-hot encodes the categories seen in training' {
        $cat.FeatureNames | Should -Be 'host', 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms'
        $cat.CategoricalProperty | Should -Be 'host'
        $cat.EncodedFeatureNames | Should -Be 'host=web0', 'host=web1', 'host=web2', 'host=(other)', 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms'
    }

    It 'reports an unseen category on its row as that column''s error, without failing' {
        $probe = @(New-MetricRows -Count 3 -Seed 8)
        $probe[1].host = 'db9'
        $out = $probe | Test-AEAnomaly -Model $cat -Top 5
        $out | Should -HaveCount 3
        $hostPart = $out[1].TopFeatures | Where-Object Feature -EQ 'host'
        $hostPart.Value | Should -Be '(other)'
        $hostPart.Direction | Should -Be 'Unseen'
        $hostPart.Expected | Should -BeIn 'web0', 'web1', 'web2'
        $hostPart.Describe() | Should -Be 'host (other), never seen in training'
        # A category that goes with the rest of its row is never given as its own explanation.
        $out.TopFeatures | Where-Object { $_.IsCategorical -and $_.Value -eq $_.Expected } | Should -BeNullOrEmpty
        $measured = $probe | Measure-AEReconstructionError -Model $cat
        $measured[1].FeatureErrors.host | Should -BeGreaterThan ([math]::Max($measured[0].FeatureErrors.host, $measured[2].FeatureErrors.host))
    }

    It 'keeps its categories through export and import' {
        $path = Join-Path $TestDrive 'cat.aemodel'
        Export-AEModel -Model $cat -Path $path
        $back = Import-AEModel $path
        $back.EncodedFeatureNames | Should -Be $cat.EncodedFeatureNames
        $probe = New-MetricRows -Count 20 -Seed 9
        ($probe | Test-AEAnomaly -Model $back).Score | Should -Be ($probe | Test-AEAnomaly -Model $cat).Score
    }
}
