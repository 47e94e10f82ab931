#Requires -Version 7.4
<#
.SYNOPSIS
    Writes the golden model files: models saved in one model format, kept so that every later version of the module
    proves it still loads them and scores their rows identically (see ModelFileCompatibilityTests).
.DESCRIPTION
    Run once with the module version whose format is being frozen; the files are checked in and never regenerated:
        dotnet pwsh ./build.ps1 Build
        dotnet pwsh -NoProfile -File tests/PSAnomalyAE.Engine.Tests/Fixtures/golden/make-golden.ps1 -Format 1
    Each model <name>.aemodel comes with <name>.errors.csv: the score of every row of rows.csv. Format 1 (module 0.x
    before the distance term; its scores are reconstruction errors) wrote the first three models; format 2 (the
    module whose default score added the distance to the nearest training rows) wrote the *-distance models.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../../../out/PSAnomalyAE/PSAnomalyAE.psd1'),
    [ValidateSet(1, 2)] [int] $Format = 1
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

# 80 rows of four correlated metrics and a host name, from a fixed generator.
$rng = [Random]::new(11)
$rows = foreach ($i in 0..79) {
    $load = $rng.NextDouble()
    [pscustomobject]@{
        cpu  = [math]::Round(20 + 60 * $load + 3 * $rng.NextDouble(), 3)
        mem  = [math]::Round(40 + 30 * $load + 2 * $rng.NextDouble(), 3)
        net  = [math]::Round(5 + 10 * [math]::Sin($i / 6.0) + $rng.NextDouble(), 3)
        disk = [math]::Round(100 * $rng.NextDouble(), 3)
        host = @('web1', 'web2', 'db1')[$i % 3]
    }
}
$rows | Export-Csv (Join-Path $PSScriptRoot 'rows.csv') -NoTypeInformation -UseQuotes AsNeeded
$rows = Import-Csv (Join-Path $PSScriptRoot 'rows.csv')

$models = if ($Format -eq 1) {
    @{
        'dense-categorical' = @{ CategoricalProperty = 'host'; HiddenSize = 8; LatentSize = 2 }
        'variational-pca'   = @{ Architecture = 'Variational'; PcaComponents = 3; ExcludeProperty = 'host' }
        'convolutional-window' = @{ Architecture = 'Convolutional'; WindowSize = 4; HiddenSize = 4; LatentSize = 3; ExcludeProperty = 'host' }
    }
} else {
    @{
        'dense-distance' = @{ CategoricalProperty = 'host'; HiddenSize = 8; LatentSize = 2 }
        'pca-window-distance' = @{ PcaComponents = 3; WindowSize = 3; HiddenSize = 6; LatentSize = 2; ExcludeProperty = 'host' }
    }
}
foreach ($name in $models.Keys) {
    $settings = $models[$name]
    $model = $rows | Invoke-AETraining -Epochs 5 -Seed 7 @settings
    Export-AEModel -Model $model -Path (Join-Path $PSScriptRoot "$name.aemodel") -Force
    $rows | Measure-AEReconstructionError -Model $model |
        ForEach-Object {
            # Format 3 and later put the score in Score; the versions that wrote formats 1 and 2 had it in ReconstructionError.
            $score = if ($_.PSObject.Properties['Score']) { $_.Score } else { $_.ReconstructionError }
            [pscustomobject]@{ ReconstructionError = if ($null -eq $score) { '' } else { $score.ToString('R', [cultureinfo]::InvariantCulture) } }
        } |
        Export-Csv (Join-Path $PSScriptRoot "$name.errors.csv") -NoTypeInformation -UseQuotes Never
}
