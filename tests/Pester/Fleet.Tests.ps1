# A fleet in one call: Invoke-AETraining -GroupProperty trains one named model per host, and
# Test-AEAnomaly / Measure-AEReconstructionError -ModelNameProperty score each row with its host's model.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $train = @(New-MetricRows -Count 300 -Seed 1)          # hosts web0, web1, web2 in turn
    $fleet = @($train | Invoke-AETraining -GroupProperty host -Epochs 5 -Seed 1 -Verbose 4>&1)
    $verbose = @($fleet | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    $models = @($fleet | Where-Object { $_ -is [PSAnomalyAE.AEModel] })
    $rows = @(New-MetricRows -Count 12 -Seed 2 -Start 300)
}

Describe 'Invoke-AETraining -GroupProperty' {
    It 'returns one model per group, named after it, in the order the groups came' {
        $models.Name | Should -Be 'web0', 'web1', 'web2'
        $models.IsTrained | Should -Not -Contain $false
        $models.TrainingRows | Should -Be 80, 80, 80       # 100 rows each, 20 % held out
    }

    It 'trains each model exactly as its rows alone would, with the same settings' {
        $alone = $train | Where-Object host -EQ 'web1' | Invoke-AETraining -Epochs 5 -Seed 1 -Name web1
        $models[1].Threshold | Should -Be $alone.Threshold
        $models[1].Seed | Should -Be 1
        $models[1].EpochsRun | Should -Be 5
        ($rows | Measure-AEReconstructionError -Model $models[1]).Score | Should -Be ($rows | Measure-AEReconstructionError -Model $alone).Score
    }

    It 'reports each group as it trains' {
        $verbose | Where-Object { $_ -match '^Model \d of 3: host ''web\d'', 100 rows$' } | Should -HaveCount 3
    }

    It 'uses an untrained -Model as the template of every group''s model' {
        $m = New-AEModel -LatentSize 1 -HiddenSize 6 -Epochs 2 -Seed 3 | ForEach-Object { $train | Invoke-AETraining -Model $_ -GroupProperty host }
        $m.Name | Should -Be 'web0', 'web1', 'web2'
        $m.HiddenSize | Should -Be 6, 6, 6
        [object]::ReferenceEquals($m[0], $m[1]) | Should -BeFalse
    }

    It 'reports a row without a group value and trains the others' {
        $some = $train | Select-Object -First 60 | ForEach-Object { $_.PSObject.Copy() }
        $some[4].host = ''
        $m = $some | Invoke-AETraining -GroupProperty host -Epochs 1 -Seed 1 -ErrorVariable bad -ErrorAction SilentlyContinue
        $m.Name | Should -Be 'web0', 'web1', 'web2'
        $bad | Should -HaveCount 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'MissingGroupValue,*'
        "$($bad[0])" | Should -BeLike "Row 5 has no value in column 'host'*"
    }

    It 'refuses -<Parameter> with -GroupProperty' -ForEach @(
        @{ Parameter = 'Name'; Extra = @{ Name = 'x' } }
        @{ Parameter = 'PlotPath'; Extra = @{ PlotPath = 'h.png' } }
    ) {
        { $train | Invoke-AETraining -GroupProperty host -Epochs 1 @Extra -ErrorAction Stop } |
            Should -Throw -ErrorId "${Parameter}WithGroupProperty,PSAnomalyAE.Commands.InvokeAETrainingCommand"
    }
}

Describe 'Test-AEAnomaly -ModelNameProperty' {
    It 'scores each row with the model its host names, exactly as that model alone' {
        $out = @($rows | Test-AEAnomaly -Model $models -ModelNameProperty host -IncludeModelName)
        $out | Should -HaveCount 12
        foreach ($m in $models) {
            $mine = @($out | Where-Object host -EQ $m.Name)
            $mine | Should -HaveCount 4
            $mine.ModelName | Should -Be (@($m.Name) * 4)
            $alone = @($rows | Where-Object host -EQ $m.Name | Test-AEAnomaly -Model $m)
            $mine.Score | Should -Be $alone.Score
            $mine.Threshold | Should -Be $alone.Threshold
            $mine.timestamp | Should -Be $alone.timestamp -Because 'a model''s rows come out in input order'
        }
    }

    It 'takes the models of a folder of model files, named after the files' {
        $folder = Join-Path $TestDrive 'models'
        $null = New-Item -ItemType Directory -Path $folder
        foreach ($m in $models) { $m | Export-AEModel -Path (Join-Path $folder "$($m.Name).aemodel") }
        $loaded = Import-AEModel (Join-Path $folder '*.aemodel')
        $out = @($rows | Test-AEAnomaly -Model $loaded -ModelNameProperty host)
        ($out | Sort-Object timestamp).Score | Should -Be (@($rows | Test-AEAnomaly -Model $models -ModelNameProperty host) | Sort-Object timestamp).Score
    }

    It 'gives an error naming the row and the value when no model matches, and scores the others' {
        $some = $rows | ForEach-Object { $_.PSObject.Copy() }
        $some[3].host = 'db9'
        $out = @($some | Test-AEAnomaly -Model $models -ModelNameProperty host -ErrorVariable bad -ErrorAction SilentlyContinue)
        $out | Should -HaveCount 11
        $bad | Should -HaveCount 1
        $bad[0].FullyQualifiedErrorId | Should -Be 'NoModelForRow,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        "$($bad[0])" | Should -BeLike "Row 4: no model is named 'db9' (the row's value in column 'host')*web0, web1, web2*"
        $bad[0].TargetObject.host | Should -Be 'db9'
    }

    It 'refuses several models without -ModelNameProperty, with a clear error' {
        { $rows | Test-AEAnomaly -Model $models -ErrorAction Stop } |
            Should -Throw -ErrorId 'SeveralModels,PSAnomalyAE.Commands.TestAEAnomalyCommand' -ExpectedMessage '*-Model was given 3 models*-ModelNameProperty*'
        ($rows | Test-AEAnomaly -Model $models[0]).Count | Should -Be 12 -Because 'one model still scores every row'
    }

    It 'refuses models that share a name' {
        $twin = $rows | Select-Object -First 1
        { $twin | Test-AEAnomaly -Model $models[0], $models[0] -ModelNameProperty host -ErrorAction Stop } |
            Should -Throw -ErrorId 'DuplicateModelName,PSAnomalyAE.Commands.TestAEAnomalyCommand'
    }
}

Describe 'Measure-AEReconstructionError -ModelNameProperty' {
    It 'measures each row with its host''s model' {
        $out = @($rows | Measure-AEReconstructionError -Model $models -ModelNameProperty host)
        $out | Should -HaveCount 12
        $web2 = @($out | Where-Object host -EQ 'web2')
        $web2.Score | Should -Be @($rows | Where-Object host -EQ 'web2' | Measure-AEReconstructionError -Model $models[2]).Score
    }
}
