# A windowed model scored by a job that runs every few minutes: -StatePath carries the window context and the
# -MinConsecutive run from one run to the next.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'SameErrors.ps1')
    $spec = New-AEModel -Architecture Convolutional -WindowSize 4 -Epochs 3 -Seed 1
    $model = New-MetricRows -Count 300 -Seed 1 | Invoke-AETraining -Model $spec -Seed 1
    $rows = @(New-MetricRows -Count 12 -Seed 2)
    $whole = @($rows | Measure-AEReconstructionError -Model $model)
}

Describe '-StatePath' {
    It 'scores the first rows of each run with the windows of the rows before, as one stream would' {
        $state = Join-Path $TestDrive 'stream.json'
        $runs = foreach ($start in 0, 3, 6, 9) {
            $rows[$start..($start + 2)] | Test-AEAnomaly -Model $model -StatePath $state
        }
        $runs[0..2].Reason | Should -BeLike 'No score yet*'
        Assert-SameErrors $runs[3..11].Score $whole[3..11].Score

        # Without a state every run of three rows starts without context and never scores.
        ($rows[3..5] | Test-AEAnomaly -Model $model).Score | Should -Be @($null, $null, $null)

        $saved = Get-Content -Raw $state | ConvertFrom-Json
        $saved.Context.Count | Should -Be 3
        $saved.RowsScored | Should -Be 12
        Get-ChildItem -Force $TestDrive -Filter '.stream.json.*' | Should -BeNullOrEmpty
    }

    It 'counts a run of rows past the threshold across runs for -MinConsecutive' {
        $state = Join-Path $TestDrive 'run.json'
        $flags = foreach ($start in 0, 2, 4) {
            ($rows[$start..($start + 1)] | Test-AEAnomaly -Model $model -Threshold 0 -MinConsecutive 2 -StatePath $state).Anomaly
        }
        # Rows 1-3 have no score yet; rows 4 and on are past the threshold, flagged from the second of them.
        $flags | Should -Be @($null, $null, $null, $false, $true, $true)
    }

    It 'refuses the state of another model' {
        $state = Join-Path $TestDrive 'other.json'
        $null = $rows | Measure-AEReconstructionError -Model $model -StatePath $state
        $other = New-MetricRows -Count 300 -Seed 1 | Invoke-AETraining -Model (New-AEModel -Architecture Convolutional -WindowSize 4 -Epochs 3) -Seed 2
        $err = { $rows | Test-AEAnomaly -Model $other -StatePath $state } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ScoringStateOfAnotherModel*'
        $err.Exception.Message | Should -Match 'belongs to another model'
    }

    It 'refuses a state whose window context holds a value the network cannot read, such as 1e308' {
        $state = Join-Path $TestDrive 'absurd.json'
        $null = $rows | Measure-AEReconstructionError -Model $model -StatePath $state
        $json = Get-Content -LiteralPath $state -Raw | ConvertFrom-Json
        $json.Context[0][1] = 1e308
        $json | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $state
        $err = { $rows | Test-AEAnomaly -Model $model -StatePath $state } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InvalidScoringState,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $err.Exception.Message | Should -BeLike "*cannot be read: its window context holds 1E+308*"
        $err.ErrorDetails.RecommendedAction | Should -BeLike 'Delete it*'
    }
}
