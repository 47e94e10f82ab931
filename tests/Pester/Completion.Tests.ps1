# Tab completion of column names from the model given to -Model, through TabExpansion2 as the console uses it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $global:aeCompletionModel = New-MetricRows -Count 100 -Seed 1 |
        Invoke-AETraining -ExcludeProperty timestamp, host -Epochs 1 -Seed 1
    function Complete([string] $line) {
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
    }
}

AfterAll { Remove-Variable -Name aeCompletionModel -Scope Global -ErrorAction Ignore }

Describe 'Completing column names from -Model' {
    It 'offers the model''s columns for -<_> of Invoke-AETraining' -ForEach 'Property', 'ExcludeProperty', 'CategoricalProperty', 'TimestampProperty' {
        $names = Complete "Invoke-AETraining -Model `$aeCompletionModel -$_ "
        $names | Should -Be 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms', 'timestamp', 'host'
    }

    It 'completes a prefix, in any case' {
        Complete 'Invoke-AETraining -Model $aeCompletionModel -Property CP' | Should -Be 'cpu_pct'
        Complete 'Invoke-AETraining -Model $aeCompletionModel -ExcludeProperty *_pct' | Should -Be 'cpu_pct', 'memory_pct'
    }

    It 'leaves out the names already given in the list' {
        $names = Complete 'Invoke-AETraining -Model $aeCompletionModel -ExcludeProperty cpu_pct, memory_pct, '
        $names | Should -Be 'requests_per_s', 'latency_ms', 'timestamp', 'host'
        Complete 'Invoke-AETraining -Model $aeCompletionModel -ExcludeProperty cpu_pct, memory_pct, l' | Should -Be 'latency_ms'
    }

    It 'works when -Model comes after the parameter being completed' {
        $line = 'Invoke-AETraining -Property l'
        @((TabExpansion2 -inputScript ($line + ' -Model $aeCompletionModel') -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be 'latency_ms'
    }

    It 'offers the model''s columns for -LabelProperty of Find-AEThreshold, with the left-out ones' {
        Complete 'Find-AEThreshold -Model $aeCompletionModel -LabelProperty h' | Should -Be 'host'
    }

    It 'reads a model held in a variable of the caller''s scope' {
        $local = $global:aeCompletionModel
        Complete 'Invoke-AETraining -Model $local -Property me' | Should -Be 'memory_pct'
    }

    It 'quotes names that need it' {
        $odd = [pscustomobject]@{ 'cpu load' = 1; mem = 2 }, [pscustomobject]@{ 'cpu load' = 2; mem = 1 }, [pscustomobject]@{ 'cpu load' = 3; mem = 3 } |
            Invoke-AETraining -Epochs 1 -ValidationFraction 0 -Seed 1
        Complete 'Invoke-AETraining -Model $odd -Property cpu' | Should -Be "'cpu load'"
    }
}

Describe 'Completing column names from a CSV file earlier in the pipeline' {
    BeforeAll {
        $folder = Join-Path $TestDrive 'csv'
        $null = New-Item -ItemType Directory -Path $folder
        New-MetricRows -Count 3 | Export-Csv (Join-Path $folder 'normal.csv')
        'when;host;cpu load' | Set-Content (Join-Path $folder 'semi.csv')
        Push-Location $folder
    }
    AfterAll { Pop-Location }

    It 'offers the header of Import-Csv''s file before any model exists' {
        Complete 'Import-Csv ./normal.csv | Invoke-AETraining -ExcludeProperty ' |
            Should -Be 'timestamp', 'host', 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms'
        Complete 'Import-Csv -LiteralPath normal.csv | Invoke-AETraining -ExcludeProperty timestamp, h' | Should -Be 'host'
        Complete "Import-Csv -Path '$folder/norm*.csv' | Invoke-AETraining -Property l" | Should -Be 'latency_ms'
    }

    It 'offers them for -<_>' -ForEach 'Property', 'CategoricalProperty', 'TimestampProperty', 'GroupProperty' {
        Complete "Import-Csv ./normal.csv | Invoke-AETraining -$_ ti" | Should -Be 'timestamp'
    }

    It 'reads the header of Get-Content''s .csv file, with the delimiter of ConvertFrom-Csv or Import-Csv' {
        Complete 'Get-Content ./normal.csv | ConvertFrom-Csv | Invoke-AETraining -ExcludeProperty me' | Should -Be 'memory_pct'
        Complete 'Get-Content ./semi.csv | ConvertFrom-Csv -Delimiter ";" | Invoke-AETraining -Property ' | Should -Be 'when', 'host', "'cpu load'"
        Complete "Import-Csv ./semi.csv -Delimiter ';' | Invoke-AETraining -ExcludeProperty w" | Should -Be 'when'
    }

    It 'offers the columns of a file for scoring a fleet and labelled rows' {
        Complete 'Import-Csv ./normal.csv | Test-AEAnomaly -Model $aeCompletionModel -ModelNameProperty ho' | Should -Be 'host'
        Complete 'Import-Csv ./normal.csv | Find-AEThreshold -LabelProperty ti' | Should -Be 'timestamp'
    }

    It 'offers nothing for a file that does not exist or a path in a variable' {
        Complete 'Import-Csv ./missing.csv | Invoke-AETraining -ExcludeProperty ' | Should -BeNullOrEmpty
        $p = './normal.csv'
        Complete 'Import-Csv $p | Invoke-AETraining -ExcludeProperty ' | Should -BeNullOrEmpty
    }
}

Describe 'Completing the result properties after the scoring commands' {
    It 'offers Anomaly, Score and the other results to <_> after Test-AEAnomaly' -ForEach 'Where-Object', 'Select-Object', 'Sort-Object' {
        $names = Complete "Import-Csv ./today.csv | Test-AEAnomaly -Model `$aeCompletionModel | $_ "
        foreach ($n in 'Anomaly', 'Score', 'ScoreToThreshold', 'Severity', 'Reason', 'TopFeatures', 'Threshold', 'ReconstructionError') {
            $names | Should -Contain $n
        }
        Complete "Import-Csv ./today.csv | Test-AEAnomaly -Model `$aeCompletionModel | $_ An" | Should -Be 'Anomaly'
    }

    It 'offers them after Where-Object and to $_ in ForEach-Object' {
        Complete 'Test-AEAnomaly -Model $aeCompletionModel -Path ./today.csv | Where-Object Anomaly | Select-Object Sev' | Should -Be 'Severity'
        Complete 'Test-AEAnomaly -Model $aeCompletionModel -Path ./today.csv | ForEach-Object { $_.Reas' | Should -Be 'Reason'
    }

    It 'offers Score, ReconstructionError and FeatureErrors after Measure-AEReconstructionError' {
        $names = Complete 'Import-Csv ./today.csv | Measure-AEReconstructionError -Model $aeCompletionModel | Sort-Object '
        $names | Should -Contain 'Score'
        $names | Should -Contain 'ReconstructionError'
        $names | Should -Contain 'FeatureErrors'
    }
}
