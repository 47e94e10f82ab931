# What Get-Help shows: -WhatIf and -Confirm where a cmdlet supports them, a default value for every parameter,
# and no online link that points nowhere.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $cmdlets = @(Get-Command -Module PSAnomalyAE -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $shouldProcess = @(Get-Command -Module PSAnomalyAE -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll { . (Join-Path $PSScriptRoot 'common.ps1') }

Describe 'Get-Help <Name>' -ForEach $cmdlets {
    It 'gives every parameter a default value' {
        $help = Get-Help $Name -Full
        foreach ($p in $help.parameters.parameter) {
            "$($p.name): $($p.defaultValue)" | Should -Not -BeLike '*: '
        }
    }

    It 'numbers its examples 1, 2, 3 and so on, each once' {
        $titles = @((Get-Help $Name -Full).examples.example.title)
        $numbers = @($titles | ForEach-Object { if ($_ -match 'Example (\d+)') { [int]$Matches[1] } })
        $numbers | Should -HaveCount $titles.Count
        if ($titles.Count) { $numbers | Should -Be (1..$titles.Count) }
    }

    It 'has no online link that points nowhere' {
        (Get-Command $Name).HelpUri | Should -BeNullOrEmpty
        $links = @((Get-Help $Name -Full).relatedLinks.navigationLink | Where-Object { $_.uri })
        $links | Should -BeNullOrEmpty
    }
}

Describe 'Get-Help <Name> -Full for a cmdlet that changes things' -ForEach $shouldProcess {
    It 'shows -WhatIf and -Confirm in the syntax and the parameters' {
        $text = Get-Help $Name -Full | Out-String -Width 250
        $text | Should -Match '\[-WhatIf\]'
        $text | Should -Match '\[-Confirm\]'
        $text | Should -Match '(?m)^\s+-WhatIf\s*$'
        $text | Should -Match '(?m)^\s+-Confirm\s*$'
    }
}

Describe 'Default values in help' {
    It 'shows the values a cmdlet starts with, and the words a page gives where a value cannot say it' {
        $p = (Get-Help Find-AEThreshold -Full).parameters.parameter
        ($p | Where-Object name -EQ Percentile).defaultValue | Should -Be '99'
        ($p | Where-Object name -EQ Objective).defaultValue | Should -Be 'F1'
        ($p | Where-Object name -EQ ObjectiveValue).defaultValue | Should -BeLike '0.01 (MaxFalsePositiveRate)*'
        ($p | Where-Object name -EQ WhatIf).defaultValue | Should -Be 'False'
        $t = (Get-Help Invoke-AETraining -Full).parameters.parameter
        ($t | Where-Object name -EQ LearningRate).defaultValue | Should -Be '0.001'
        ($t | Where-Object name -EQ Seed).defaultValue | Should -BeLike 'None*'
        # The "Default value:" line is not repeated in the description.
        ($t | Where-Object name -EQ Seed).description.Text | Should -Not -BeLike '*Default value:*'
    }
}
