# A model crossing process and runspace boundaries: Export-Clixml/Import-Clixml, Start-Job, Start-ThreadJob and
# ForEach-Object -Parallel (with the module imported by path, as the README does). Remote sessions: Remoting.Tests.ps1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'SameErrors.ps1')
    $model = New-MetricRows -Count 300 -Seed 1 | Invoke-AETraining -Model (New-AEModel -Epochs 5) -Seed 1
    $rows = @(New-MetricRows -Count 20 -Seed 2)
    $expected = @(($rows | Test-AEAnomaly -Model $model).Score)
}

Describe 'A serialized model' {
    It 'comes back from Export-Clixml and Import-Clixml and scores the same, carrying its network once' {
        $file = Join-Path $TestDrive 'model.xml'
        $model | Export-Clixml -LiteralPath $file
        $back = Import-Clixml -LiteralPath $file
        $back | Should -BeOfType PSAnomalyAE.AEModel
        ($rows | Test-AEAnomaly -Model $back).Score | Should -Be $expected

        $modelFile = Join-Path $TestDrive 'model.aemodel'
        Export-AEModel -Model $model -Path $modelFile
        $xml = Get-Content -Raw -LiteralPath $file
        ([regex]::Matches($xml, 'SerializedModel')).Count | Should -Be 1
        $xml | Should -Not -Match 'History'
        (Get-Item $file).Length | Should -BeLessThan (2 * (Get-Item $modelFile).Length + 4KB)
    }

    It 'is bound to -Model in a new process that deserialized it before importing the module (Start-Job)' {
        $job = Start-Job -ArgumentList $model, $rows, $ModuleManifest -ScriptBlock {
            param($model, $rows, $manifest)
            $model.pstypenames[0]
            Import-Module $manifest
            , @(($rows | Test-AEAnomaly -Model $model).Score)
        }
        $out = @($job | Wait-Job | Receive-Job -ErrorAction Stop)
        $job | Remove-Job
        $out[0] | Should -Be 'Deserialized.PSAnomalyAE.AEModel'
        $out[1] | Should -Be $expected
    }

    It 'is found by the runspaces of ForEach-Object -Parallel and Start-ThreadJob without importing the module there' {
        $parallel = 1..2 | ForEach-Object -Parallel { , @(($using:rows | Test-AEAnomaly -Model $using:model).Score) }
        $parallel[0] | Should -Be $expected
        $parallel[1] | Should -Be $expected
        $job = Start-ThreadJob -ArgumentList $model, $rows -ScriptBlock { param($m, $r) ($r | Measure-AEReconstructionError -Model $m).Score }
        @($job | Wait-Job | Receive-Job) | Should -Be $expected
        $job | Remove-Job
    }

    It 'without its model file is refused with an error that says how to send a model' {
        # What a session without the module's types file would have sent: the properties, not the model file.
        $bag = [pscustomobject]@{ Architecture = 'Dense'; IsTrained = $true; FeatureNames = $model.FeatureNames }
        $bag.pstypenames.Insert(0, 'Deserialized.PSAnomalyAE.AEModel')
        $err = { $rows | Test-AEAnomaly -Model $bag } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError*'
        $err.Exception.Message | Should -Match 'does not carry its model file.*Export-AEModel'
    }
}
