# What users see: the default views of models, thresholds, histories and scored rows, and how the scored rows
# survive Export-Csv and ConvertTo-Json.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $train = New-MetricRows -Count 300 -Seed 1
    $model = $train | Invoke-AETraining -Seed 1 -Epochs 15
    $rows = @(New-MetricRows -Count 5 -Seed 2 -Start 300)
    $rows[2].cpu_pct = '97'
    $scored = @($rows | Test-AEAnomaly -Model $model)
    $measured = @($rows | Measure-AEReconstructionError -Model $model)
    $threshold = $train | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Percentile 99
    $original = 'timestamp', 'host', 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms'
}

Describe 'Test-AEAnomaly output' {
    It 'shows as a table: the row''s own leading columns, then the score to threshold rounded, severity and reason' {
        $text = $scored | Out-String -Width 200
        $lines = @($text -split '\r?\n' | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^timestamp\s+host\s+ScoreToThreshold\s+Severity\s+Reason\s*$'
        $lines | Should -HaveCount ($scored.Count + 2)    # header, rule, one line per row
        $score = '{0:N2}' -f $scored[2].ScoreToThreshold
        $lines[4] | Should -Match ([regex]::Escape($rows[2].timestamp) + '\s+web\d\s+' + [regex]::Escape($score) + '\s')
        $text | Should -Not -Match ([regex]::Escape($scored[2].ScoreToThreshold.ToString()))
    }

    It 'leads with the columns of the rows given, and falls back to the results alone' {
        $other = $rows | Select-Object host, cpu_pct, requests_per_s, memory_pct, latency_ms | Test-AEAnomaly -Model $model
        ($other | Out-String -Width 200) | Should -Match '(?m)^host\s+ScoreToThreshold\s+Severity\s+Reason\s*$'
        $plain = [pscustomobject]@{ ScoreToThreshold = 1.23456; Severity = 'Low'; Reason = 'Anomaly (score 1.23x threshold)' }
        $plain.PSObject.TypeNames.Insert(0, 'PSAnomalyAE.AnomalyResult')
        ($plain | Out-String) | Should -Match '(?m)^ScoreToThreshold\s+Severity\s+Reason\s*$'
        ($plain | Out-String) | Should -Match '1\.23 Low'
    }

    It 'keeps every original property, at full precision, for Export-Csv' {
        $csv = @($scored | ConvertTo-Csv) | ConvertFrom-Csv
        $names = $csv[0].PSObject.Properties.Name
        $names[0..5] | Should -Be $original
        $names | Should -Contain 'Score'
        $names | Should -Contain 'ReconstructionError'
        $names | Should -Contain 'ScoreToThreshold'
        [double]::Parse($csv[2].Score, [cultureinfo]::InvariantCulture) | Should -Be $scored[2].Score
        [double]::Parse($csv[2].ScoreToThreshold, [cultureinfo]::InvariantCulture) | Should -Be $scored[2].ScoreToThreshold
        $csv[2].cpu_pct | Should -Be '97'
        $scored[0].PSObject.TypeNames[0] | Should -Be 'PSAnomalyAE.AnomalyResult#timestamp/host'
    }

    It 'writes TopFeatures as readable text in CSV, objects in JSON and one line per feature at the console' {
        $csv = @($scored | ConvertTo-Csv) | ConvertFrom-Csv
        $csv[2].TopFeatures | Should -Match '^cpu_pct 97\.0[ ,].+ \(High, \d+%\); '
        $json = $scored[2] | ConvertTo-Json | ConvertFrom-Json
        $json.TopFeatures[0].Feature | Should -Be 'cpu_pct'
        $json.TopFeatures[0].Direction | Should -Be 'High'
        $json.TopFeatures[0].Expected | Should -BeOfType [double]
        $console = $scored[2].TopFeatures | Out-String
        $console | Should -Match 'Feature\s+Value\s+Expected\s+Normal\s+Direction\s+Share'
    }

    It 'turns hashtables into objects with the keys as properties, so the scores show and export' {
        $h = [ordered]@{}
        foreach ($p in $rows[2].PSObject.Properties) { $h[$p.Name] = $p.Value }
        $out = $h | Test-AEAnomaly -Model $model
        $out.PSObject.BaseObject | Should -BeOfType [System.Management.Automation.PSCustomObject]
        $out.PSObject.Properties.Name[0..5] | Should -Be $original
        [math]::Round($out.ScoreToThreshold, 4) | Should -Be ([math]::Round($scored[2].ScoreToThreshold, 4))   # one row, not a batch of five: float rounding may differ
        $out | Out-String | Should -Match 'timestamp\s+host\s+ScoreToThreshold'
    }
}

Describe 'Measure-AEReconstructionError output' {
    It 'shows as a table with the score, the reconstruction error and the feature errors rounded' {
        $text = $measured | Out-String -Width 250
        $text | Should -Match 'timestamp\s+host\s+Score\s+ReconstructionError\s+FeatureErrors'
        $text | Should -Match ([regex]::Escape(('{0:G4}' -f $measured[2].Score)))
        $text | Should -Match ([regex]::Escape(('{0:G4}' -f $measured[2].ReconstructionError)))
        $text | Should -Match ('cpu_pct=' + [regex]::Escape(('{0:G3}' -f $measured[2].FeatureErrors.cpu_pct)) + ';')
    }

    It 'writes FeatureErrors as feature=error text in CSV, and as an object in JSON' {
        $csv = @($measured | ConvertTo-Csv) | ConvertFrom-Csv
        $csv[2].FeatureErrors | Should -Not -BeLike '@{*'
        $pairs = $csv[2].FeatureErrors -split '; '
        $pairs | Should -HaveCount 4
        $pairs[0] | Should -Be ('cpu_pct=' + $measured[2].FeatureErrors.cpu_pct.ToString('R', [cultureinfo]::InvariantCulture))
        ($measured[2] | ConvertTo-Json | ConvertFrom-Json).FeatureErrors.cpu_pct | Should -Be $measured[2].FeatureErrors.cpu_pct
    }

    It 'adds one column per feature error with -FlattenFeatureErrors' {
        $flat = @($rows | Measure-AEReconstructionError -Model $model -FlattenFeatureErrors)
        $csv = @($flat | ConvertTo-Csv) | ConvertFrom-Csv
        $names = $csv[0].PSObject.Properties.Name
        $names | Should -Be ($original + 'Score' + 'ReconstructionError' + 'NeighbourDistance' + ($model.FeatureNames | ForEach-Object { "Error_$_" }))
        foreach ($f in $model.FeatureNames) {
            [double]::Parse($csv[2]."Error_$f", [cultureinfo]::InvariantCulture) | Should -Be $measured[2].FeatureErrors.$f
        }
        ($flat | Out-String) | Should -Match '(?m)^timestamp\s+host\s+Score\s+ReconstructionError\s*$'
        ($measured | Out-String -Width 250) | Should -Match 'Score\s+ReconstructionError\s+FeatureErrors'
    }
}

Describe 'Models, thresholds and histories' {
    It 'writes the model''s enums by name in JSON' {
        $json = $model | ConvertTo-Json -WarningAction SilentlyContinue | ConvertFrom-Json
        $json.Architecture | Should -Be 'Dense'
        $json.Activation | Should -Be 'ReLU'
        $json.Scaling | Should -Be 'ZScore'
    }

    It 'shows the history after a model with the epoch''s own columns' {
        $text = & { $model; $model.History | Select-Object -Last 2 } | Out-String -Width 120
        $text | Should -Match 'Architecture\s+: Dense'
        $text | Should -Match '(?m)^Epoch\s+: \d+\s+TrainLoss\s+: \S+\s+ValidationLoss\s+: \S+\s+Seconds\s+: \S+\s+IsBest\s+: '
        $text | Should -Not -Match 'TrainReconstruction'
        ($model.History | Select-Object -Last 2 | Out-String) | Should -Match 'Epoch\s+TrainLoss\s+ValidationLoss\s+Seconds\s+IsBest'
    }

    It 'shows a threshold in its own view after a model, and a model after a history' {
        $text = & { $model; $threshold } | Out-String -Width 120
        $text | Should -Match 'Flagged\s+: \d+ \('
        $text | Should -Not -Match 'FlaggedPercent'
        $text = & { $model.History | Select-Object -Last 1; $model } | Out-String -Width 120
        $text | Should -Match 'Epoch\s+TrainLoss'
        $text | Should -Match 'Architecture\s+: Dense'
        $text | Should -Not -Match 'SparsityWeight'
    }
}

Describe 'Invoke-AETraining -PlotPath' {
    It 'writes the training history picture' {
        $png = Join-Path $TestDrive 'history.png'
        $m = $train | Invoke-AETraining -Seed 1 -Epochs 3 -PlotPath $png
        $m.IsTrained | Should -BeTrue
        $bytes = [IO.File]::ReadAllBytes($png)
        $bytes[1..3] | Should -Be ([byte[]][char[]]'PNG')
        $bytes.Length | Should -BeGreaterThan 10000
    }

    It 'still writes the threshold picture of labelled rows (ROC, precision-recall, histogram)' {
        $png = Join-Path $TestDrive 'threshold.png'
        $labelled = $measured | Select-Object *, @{ n = 'label'; e = { [int]($_.cpu_pct -eq '97') } }
        $t = $labelled | Find-AEThreshold -LabelProperty label -PlotPath $png
        $t.PlotPath | Should -Be $png
        (Get-Item -LiteralPath $png).Length | Should -BeGreaterThan 10000
    }

    It 'rejects a file name that is not .png or .svg before training, and writes nothing under -WhatIf' {
        { $train | Invoke-AETraining -Epochs 1 -PlotPath (Join-Path $TestDrive 'h.jpg') -ErrorAction Stop } |
            Should -Throw '*must end in .png or .svg*'
        $svg = Join-Path $TestDrive 'h.svg'
        $m = $train | Invoke-AETraining -Seed 1 -Epochs 2 -PlotPath $svg -WhatIf
        $m.IsTrained | Should -BeTrue
        Test-Path -LiteralPath $svg | Should -BeFalse
    }
}

Describe 'Format-Table and Format-List on models and thresholds' {
    BeforeAll {
        $second = $train | Invoke-AETraining -Seed 2 -Epochs 3 -Name web2
        $model.Name = 'web1'
    }
    AfterAll { $model.Name = $null }

    It 'prints the properties Format-Table names, one line per model' {
        $lines = @(($model, $second | Format-Table Name, Threshold, TrainedAt | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines | Should -HaveCount 4    # header, rule, two models
        $lines[0] | Should -Match '^Name\s+Threshold\s+TrainedAt\s*$'
        $lines[2] | Should -Match '^web1\s+\d'
        $lines[3] | Should -Match '^web2\s+\d'
    }

    It 'has a table view for Format-Table without properties, and keeps the list as the default' {
        $lines = @(($model, $second | Format-Table | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Name\s+Architecture\s+Features\s+Scoring\s+Threshold\s+TrainedAt\s*$'
        $lines | Should -HaveCount 4
        ($model | Out-String) | Should -Match 'Architecture\s+: Dense'
        ($model | Out-String) | Should -Match 'Scoring\s+: ReconstructionAndDistance'
    }

    It 'shows every property of a model with Format-List *, Scoring among them' {
        $text = $model | Format-List * | Out-String -Width 200
        foreach ($name in $model.PSObject.Properties.Name) {
            $text | Should -Match "(?m)^$name\s+:" -Because "Format-List * shows $name"
        }
        $text | Should -Match '(?m)^Scoring\s+: ReconstructionAndDistance'
        $text | Should -Match '(?m)^SparsityWeight\s+:'
    }

    It 'obeys Format-Table and Format-List * for thresholds' {
        $lines = @(($threshold | Format-Table Method, Threshold | Out-String) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Method\s+Threshold\s*$'
        $lines[2] | Should -Match '^Percentile\s+\d'
        ($threshold | Format-Table | Out-String -Width 200) | Should -Match 'Threshold\s+Method\s+Parameter\s+RowCount\s+Flagged'
        $text = $threshold | Format-List * | Out-String -Width 200
        $text | Should -Match '(?m)^FlaggedPercent\s+:'
        $text | Should -Match '(?m)^Median\s+:'
    }
}
