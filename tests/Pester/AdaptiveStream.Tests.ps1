# A live metric scored for weeks by a scheduled job: Test-AEAnomaly -Adapt judges each score against the stream's own
# history and keeps a copy of the model learning, and -StatePath carries all of it from one run to the next.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:series = Join-Path $SharedData 'nab/ec2_request_latency_system_failure.csv'
    if (Test-Path $series) {
        $script:rows = @(Import-Csv $series)
        $script:model = $rows[0..599] | Invoke-AETraining -WindowSize 12 -Property value -Epochs 20 -Seed 1 -WarningAction SilentlyContinue
    }
}

Describe 'Test-AEAnomaly -Adapt' {
    BeforeAll {
        if ($rows) {
            $script:modelFile = Join-Path $TestDrive 'latency.aemodel'
            $model | Export-AEModel -Path $modelFile
            $script:whole = @($rows | Test-AEAnomaly -Model $model -Adapt Stream -WarmUpRows 600)
        }
    }

    BeforeEach {
        if (-not $rows) { Set-ItResult -Skipped -Because "$series is not beside the repository" }
    }

    It 'gives exactly the scores of one continuous run when the series is scored in 20 scheduled runs through -StatePath' {
        $state = Join-Path $TestDrive 'stream.json'
        $size = [math]::Ceiling($rows.Count / 20)
        $runs = @(for ($start = 0; $start -lt $rows.Count; $start += $size) {
            $last = [math]::Min($start + $size, $rows.Count) - 1
            $rows[$start..$last] | Test-AEAnomaly -Model (Import-AEModel -LiteralPath $modelFile) -Adapt Stream -WarmUpRows 600 -StatePath $state
        })
        $runs.Count | Should -Be $whole.Count
        for ($i = 0; $i -lt $whole.Count; $i++) {
            # Exactly the same numbers, row for row (not merely close ones).
            $runs[$i].Score | Should -Be $whole[$i].Score -Because "row $($i + 1)"
            $runs[$i].Likelihood | Should -Be $whole[$i].Likelihood -Because "row $($i + 1)"
            $runs[$i].Anomaly | Should -Be $whole[$i].Anomaly -Because "row $($i + 1)"
        }

        (Get-Content -Raw $state | ConvertFrom-Json).RowsScored | Should -Be $rows.Count
    }

    It 'alarms in the labelled incidents and rarely elsewhere, on a 0-1 score with the threshold 0.5' {
        $scored = $whole
        $scored[0].Threshold | Should -Be 0.5
        $scored | Where-Object Score -NE $null | ForEach-Object { $_.Score | Should -BeLessOrEqual 1 }
        $flagged = @(for ($i = 600; $i -lt $rows.Count; $i++) { if ($scored[$i].Anomaly) { $i } })
        @($flagged | Where-Object { $rows[$_].label -eq '1' }).Count | Should -BeGreaterThan 0
        # The same model without adapting: its own score drifts past its threshold on many more rows.
        $plain = @($rows[600..($rows.Count - 1)] | Test-AEAnomaly -Model $model | Where-Object Anomaly).Count
        $flagged.Count | Should -BeLessThan ($plain / 2)
    }

    It 'saves the model as the stream learned it: Import-AEModel -StatePath | Export-AEModel' {
        $state = Join-Path $TestDrive 'learned.json'
        $file = $modelFile
        $null = $rows[0..1999] | Test-AEAnomaly -Model (Import-AEModel -LiteralPath $file) -Adapt Stream -StatePath $state
        $adaptedFile = Join-Path $TestDrive 'adapted.aemodel'
        Import-AEModel -LiteralPath $file -StatePath $state | Export-AEModel -Path $adaptedFile
        $adapted = Import-AEModel -LiteralPath $adaptedFile
        $last = $rows[1800..1999]
        $before = @($last | Test-AEAnomaly -Model $model).Score
        $after = @($last | Test-AEAnomaly -Model $adapted).Score
        # It learned the stream's recent level: its plain score of the last rows is lower.
        ($after | Measure-Object -Sum).Sum | Should -BeLessThan ($before | Measure-Object -Sum).Sum
    }

    It 'goes on only with the adaptation a stream started with' {
        $state = Join-Path $TestDrive 'settings.json'
        $null = $rows[0..99] | Test-AEAnomaly -Model $model -Adapt Stream -StatePath $state
        $err = { $rows[100..110] | Test-AEAnomaly -Model $model -Adapt Likelihood -StatePath $state } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidAdaptation*'
        $err.Exception.Message | Should -Match 'other adaptation settings'
        $err = { $rows[100..110] | Test-AEAnomaly -Model $model -StatePath $state } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'must go on adapting the same way'
        { $rows[0..9] | Test-AEAnomaly -Model $model -Adapt NewRange } | Should -Throw '*needs Likelihood*'
    }
}
