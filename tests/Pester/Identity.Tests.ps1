# Models that say who they are (Name, Description, SourcePath, TrainedAt), and Import-AEModel failing loudly.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $rows = New-MetricRows -Count 200 -Seed 1
    $model = $rows | Invoke-AETraining -Model (New-AEModel -Name web01 -Description 'the web tier') -ExcludeProperty host -Epochs 5 -Seed 1
    $probe = New-MetricRows -Count 10 -Seed 2
}

Describe 'Model identity' {
    It 'is set by New-AEModel, kept by training, replaced by -Name, and settable later' {
        $model.Name | Should -Be 'web01'
        $model.Description | Should -Be 'the web tier'
        $model.SourcePath | Should -BeNullOrEmpty
        $model.TrainedAt | Should -BeOfType [datetime]
        "$model" | Should -BeLike "AEModel 'web01' Dense *"

        $again = $rows | Invoke-AETraining -Model $model -Name web02 -Epochs 2 -Seed 1
        $again.Name | Should -Be 'web02'
        $again.Description | Should -Be 'the web tier'
        $again.Name = 'web01'
        $model.Name | Should -Be 'web01' -Because 'training with -Model returns the same object'
    }

    It 'is saved in the model file; an unnamed model takes its file name, and every loaded model its path' {
        $named = Join-Path $TestDrive 'copy-of-web01.aemodel'
        Export-AEModel -Model $model -Path $named
        $unnamed = $rows | Invoke-AETraining -ExcludeProperty host -Epochs 2 -Seed 1
        $unnamed.Name | Should -BeNullOrEmpty
        Export-AEModel -Model $unnamed -Path (Join-Path $TestDrive 'db02.aemodel')

        $loaded = Import-AEModel (Join-Path $TestDrive '*.aemodel') | Sort-Object Name
        $loaded.Name | Should -Be 'db02', 'web01'
        $loaded.Description | Should -Be $null, 'the web tier'
        $loaded.SourcePath | Should -Be (Join-Path $TestDrive 'db02.aemodel'), $named
        $loaded[1].TrainedAt | Should -Be $model.TrainedAt
    }

    It 'goes on each scored row with -IncludeModelName, and only then' {
        $scored = $probe | Test-AEAnomaly -Model $model -IncludeModelName
        $scored.ModelName | Should -Be (@('web01') * 10)
        ($scored[0].PSObject.Properties.Name)[-1] | Should -Be 'ModelName'
        ($probe | Test-AEAnomaly -Model $model)[0].PSObject.Properties.Name | Should -Not -Contain 'ModelName'
    }
}

Describe 'Import-AEModel without a model to load' {
    # Like Import-Clixml and Import-Csv: terminating, whatever -ErrorAction says, so try/catch and scripts see it.
    It 'stops on <Case>, even with -ErrorAction SilentlyContinue' -ForEach @(
        @{ Case = 'a missing file'; Path = 'none.aemodel'; Id = 'ModelFileNotFound'; Message = '*does not exist*' }
        @{ Case = 'a wildcard that matches nothing'; Path = 'empty/*.aemodel'; Id = 'ModelFileNotFound'; Message = "No model file matches*" }
        @{ Case = 'a folder'; Path = 'empty'; Id = 'PathIsDirectory'; Message = '*is a folder*empty*.aemodel*' }
    ) {
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'empty')
        $e = { Import-AEModel -Path (Join-Path $TestDrive $Path) -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId "$Id,PSAnomalyAE.Commands.ImportAEModelCommand" -PassThru
        $e.Exception.Message | Should -BeLike $Message
    }

    It 'is caught by try/catch without -ErrorAction Stop' {
        $caught = try { $null = Import-AEModel -LiteralPath (Join-Path $TestDrive 'none.aemodel'); 'not caught' } catch { $_.FullyQualifiedErrorId }
        $caught | Should -Be 'ModelFileNotFound,PSAnomalyAE.Commands.ImportAEModelCommand'
    }
}
