# A score chosen per data set, on a real labelled set (cardio, ODDS): at training from the training rows alone
# (-Scoring Auto), and from labelled rows (Find-AEScoring). Without the data set (../shared/data beside the
# repository) every test is skipped, saying so.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $dataFile = Join-Path $SharedData 'tabular/cardio.csv'
    $noData = if (-not (Test-Path -LiteralPath $dataFile)) { "the cardio data set is not at $dataFile (../shared/data beside the repository)" }
    if ($noData) { return }
    $all = Import-Csv $dataFile
    $rng = [Random]::new(0)
    $normal = @($all | Where-Object label -EQ '0' | Sort-Object { $rng.Next() })
    $anomalous = @($all | Where-Object label -EQ '1' | Sort-Object { $rng.Next() })
    $train = $normal[0..899]
    # Labelled history: normal rows and 10 anomalies; the rest is scored afterwards.
    $labelled = @($normal[900..1199]) + $anomalous[0..9]
    $rest = @($normal[1200..($normal.Count - 1)]) + $anomalous[10..($anomalous.Count - 1)]
    $verbose = $train | Invoke-AETraining -ExcludeProperty label -Scoring Auto -Epochs 20 -Seed 1 -Verbose 3>$null 4>&1
    $model = $verbose | Where-Object { $_ -is [PSAnomalyAE.AEModel] }
    $path = Join-Path $TestDrive 'auto.aemodel'
    Export-AEModel -Model $model -Path $path
}

Describe 'Invoke-AETraining -Scoring Auto' {
    BeforeEach { if ($noData) { Set-ItResult -Skipped -Because $noData } }

    It 'judges every candidate on synthetic anomalies and says which it chose, in the model, -Verbose and the file' {
        $choice = $model.ScoringChoice
        $choice.ChosenBy | Should -Be 'SyntheticAnomalies'
        @($choice.Candidates.Scoring) | Should -Be @('ReconstructionAndDistance', 'Distance', 'Reconstruction', 'PcaResidual', 'Isolation')
        @($choice.Candidates | Where-Object Chosen).Scoring | Should -Be $model.Scoring
        $choice.Candidates | ForEach-Object { $_.SyntheticRocAuc | Should -BeGreaterThan 0.5 }
        $best = $choice.Candidates | Sort-Object SyntheticRocAuc -Descending | Select-Object -First 1
        $expected = if ($best.SyntheticRocAuc -gt $choice.Candidates[0].SyntheticRocAuc + $choice.Margin) { $best.Scoring } else { 'ReconstructionAndDistance' }
        $model.Scoring | Should -Be $expected
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Score: *' }).Message |
            Should -BeLike "Score: $expected, chosen by synthetic anomalies*PcaResidual 0.*Isolation 0.*"

        $info = Get-AEModelInfo $path
        $info.FormatVersion | Should -Be 4
        $info.Scoring | Should -Be $model.Scoring
        $info.ScoringChoice.Candidates.SyntheticRocAuc | Should -Be $choice.Candidates.SyntheticRocAuc
    }
}

Describe 'Find-AEScoring' {
    BeforeEach { if ($noData) { Set-ItResult -Skipped -Because $noData } }

    It 'shows every candidate on labelled rows and changes nothing with -WhatIf' {
        $before = $model.Scoring
        $result = $labelled | Find-AEScoring -Model $model -LabelProperty label -WhatIf -WarningVariable warned
        $model.Scoring | Should -Be $before
        $result.ChosenBy | Should -Be 'Labels'
        $result.LabelledRows | Should -Be 310
        $result.LabelledAnomalies | Should -Be 10
        $top = ($result.Candidates | Measure-Object LabelRocAuc -Maximum).Maximum
        ($result.Candidates | Where-Object Chosen).LabelRocAuc | Should -Be $top

        # A change of score that the labelled rows support by less than the chosen ROC-AUC's standard error is warned of.
        $result.LabelRocAucError | Should -BeGreaterThan 0
        $lead = $top - ($result.Candidates | Where-Object Scoring -EQ $before).LabelRocAuc
        $weak = [string]$result.Scoring -ne [string]$before -and $lead -le $result.LabelRocAucError
        @($warned).Count | Should -Be ([int]$weak)
        if ($weak) { $warned[0].Message | Should -BeLike '*within its standard error*10 labelled anomalies*' }
    }

    It 'makes the model score by the candidate that ranks the labelled rows best, and the saved model keeps it' {
        $loaded = Import-AEModel $path
        $result = $labelled | Find-AEScoring -Model $loaded -LabelProperty label
        $loaded.Scoring | Should -Be ([string]$result.Scoring)
        $loaded.ThresholdMethod | Should -BeLike 'Percentile 99 of * rows (training validation split)'

        # The model's scores of the labelled rows rank them as the chosen candidate's figure says.
        $scored = $labelled | Measure-AEReconstructionError -Model $loaded
        $chosenAuc = ($result.Candidates | Where-Object Chosen).LabelRocAuc
        [math]::Abs(($scored | Find-AEThreshold -LabelProperty label).RocAuc - $chosenAuc) | Should -BeLessThan 1e-9

        $saved = Join-Path $TestDrive 'chosen.aemodel'
        Export-AEModel -Model $loaded -Path $saved
        $again = Import-AEModel $saved
        $again.Scoring | Should -Be $loaded.Scoring
        $again.ScoringChoice.ChosenBy | Should -Be 'Labels'
        (Get-AEModelInfo $saved).ScoringChoice.LabelledAnomalies | Should -Be 10
        $a = @($rest | Select-Object -First 50 | Measure-AEReconstructionError -Model $loaded).Score
        $b = @($rest | Select-Object -First 50 | Measure-AEReconstructionError -Model $again).Score
        $b | Should -Be $a
    }

    It 'names the bad row, leaves it out and chooses from the others' {
        $copy = @($labelled | Select-Object -Last 46 | Select-Object *)
        $copy[40].label = 'maybe'
        $result = $copy | Find-AEScoring -Model (Import-AEModel $path) -LabelProperty label -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad.Count | Should -Be 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'InvalidLabel*'
        $bad[0].Exception.Message | Should -BeLike 'Row 41: label is *maybe*'
        $result.LabelledRows | Should -Be 45
    }

    It 'refuses labels of one class, and a model that keeps no candidates' {
        { $labelled | Where-Object label -EQ '0' | Find-AEScoring -Model (Import-AEModel $path) -LabelProperty label -ErrorAction Stop } |
            Should -Throw '*both normal and anomalous rows*'
        $fixed = $train | Select-Object -First 300 | Invoke-AETraining -ExcludeProperty label -Epochs 2 -Seed 1 -Scoring ReconstructionAndDistance 3>$null
        { $labelled | Find-AEScoring -Model $fixed -LabelProperty label -ErrorAction Stop } | Should -Throw '*keeps no other candidate scores*'
    }
}
