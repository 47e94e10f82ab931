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
