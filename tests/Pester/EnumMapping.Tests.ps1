#Requires -Version 7.4
# The module's public enums mirror the engine's; they are converted by member name, so the two lists must hold the
# same names. The engine loads in the module's own load context, where this test finds its types by reflection.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $null = New-AEModel   # loads the engine
    $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'PSAnomalyAE'
    $engineAssembly = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'PSAnomalyAE.Engine' }
}

Describe 'Enums shared by the cmdlets and the engine' {
    It '<Module> has the same members as the engine''s <Engine>' -ForEach @(
        @{ Module = 'AEArchitecture'; Engine = 'PSAnomalyAE.Engine.Configuration.AutoencoderKind' }
        @{ Module = 'AEActivation'; Engine = 'PSAnomalyAE.Engine.Configuration.ActivationKind' }
        @{ Module = 'AEScaling'; Engine = 'PSAnomalyAE.Engine.Configuration.ScalingMethod' }
        @{ Module = 'AEScoring'; Engine = 'PSAnomalyAE.Engine.Configuration.ScoreMethod' }
        @{ Module = 'AEMissingValue'; Engine = 'PSAnomalyAE.Engine.Configuration.MissingValuePolicy' }
        @{ Module = 'AEThresholdObjective'; Engine = 'PSAnomalyAE.Engine.Thresholds.ThresholdObjective' }
        @{ Module = 'AEAdaptation'; Engine = 'PSAnomalyAE.Engine.Scoring.Adaptation' }
    ) {
        $engineAssembly | Should -Not -BeNullOrEmpty
        $engineType = $engineAssembly.GetType($Engine, $true)
        $moduleType = [PSAnomalyAE.AEModel].Assembly.GetType("PSAnomalyAE.$Module", $true)
        @([enum]::GetNames($moduleType) | Sort-Object) | Should -Be @([enum]::GetNames($engineType) | Sort-Object)
    }
}
