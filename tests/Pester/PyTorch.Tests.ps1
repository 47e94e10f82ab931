#Requires -Version 7.4
# Models that cross between PyTorch and PowerShell: Import-AEModel -PyTorch and Export-AEModel -Format PyTorch.
# The fixtures (a 6-12-3-12-6 ReLU autoencoder trained in PyTorch, its rows and PyTorch's errors) and the script
# that made them live with the engine's tests; the script's --check mode scores a PSAnomalyAE export with PyTorch.
BeforeDiscovery {
    $python = '/usr/bin/python3'
    $script:PythonSkip = if (-not (Test-Path -LiteralPath $python)) {
        "$python is not installed"
    } else {
        & $python -c 'import torch' 2>$null
        if ($LASTEXITCODE -ne 0) { "$python has no torch module" } else { $null }
    }
    $script:PythonTestName = 'PyTorch scores a model exported by Export-AEModel -Format PyTorch as the module does' +
        $(if ($PythonSkip) { " (skipped: $PythonSkip)" } else { '' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $fixtures = Join-Path $RepoRoot 'tests/PSAnomalyAE.Engine.Tests/Fixtures/pytorch'
    $inv = [Globalization.CultureInfo]::InvariantCulture

    function Write-SafeTensors {
        <# A safetensors file of float32 tensors: @{ name = @(shape) } with every value 0.5, in the given order. #>
        param([string] $Path, [Collections.Specialized.OrderedDictionary] $Tensors)
        $header = [ordered]@{}
        $offset = 0
        foreach ($name in $Tensors.Keys) {
            $count = 1; foreach ($d in $Tensors[$name]) { $count *= $d }
            $header[$name] = [ordered]@{ dtype = 'F32'; shape = @($Tensors[$name]); data_offsets = @($offset, ($offset + 4 * $count)) }
            $offset += 4 * $count
        }
        $json = [Text.Encoding]::UTF8.GetBytes(($header | ConvertTo-Json -Compress -Depth 4))
        $stream = [IO.MemoryStream]::new()
        $stream.Write([BitConverter]::GetBytes([uint64] $json.Length), 0, 8)
        $stream.Write($json, 0, $json.Length)
        for ($i = 0; $i -lt $offset / 4; $i++) { $stream.Write([BitConverter]::GetBytes([single] 0.5), 0, 4) }
        [IO.File]::WriteAllBytes($Path, $stream.ToArray())
    }

    # The fixture's eight tensors (Linear layers 0, 2, 3 and 5 of the Sequential), as shapes.
    function Get-FixtureShapes {
        [ordered]@{ '0.weight' = 12, 6; '0.bias' = @(12); '2.weight' = 3, 12; '2.bias' = @(3)
                    '3.weight' = 12, 3; '3.bias' = @(12); '5.weight' = 6, 12; '5.bias' = @(6) }
    }
}

Describe 'Import-AEModel -PyTorch' {
    It 'scores the rows of a model trained in PyTorch as PyTorch did (to 1e-5)' {
        $model = Import-AEModel -PyTorch (Join-Path $fixtures 'model.safetensors') -Config (Join-Path $fixtures 'config.json')
        $model.IsTrained | Should -BeTrue
        $model.FeatureNames | Should -Be 'cpu', 'memory', 'disk_io', 'net_in', 'net_out', 'latency_ms'
        $model.HiddenSize | Should -Be 12
        $model.LatentSize | Should -Be 3
        $model.Threshold | Should -Be 0.08500395574782622

        $expected = Import-Csv (Join-Path $fixtures 'errors.csv')
        $scored = @(Import-Csv (Join-Path $fixtures 'rows.csv') | Measure-AEReconstructionError -Model $model)
        $scored | Should -HaveCount $expected.Count
        for ($i = 0; $i -lt $scored.Count; $i++) {
            [Math]::Abs($scored[$i].Score - [double]::Parse($expected[$i].error, $inv)) | Should -BeLessOrEqual 1e-5 -Because "row $i"
        }
    }

    It 'stops with an error naming the key and the shapes when the weights do not fit the config: <Case>' -ForEach @(
        @{ Case = 'wrong shape'; Change = { param($t) $t['3.weight'] = 12, 4 }; Pattern = "'3.weight'.*shape \[12, 4\].*needs \[12, 3\]" }
        @{ Case = 'missing key'; Change = { param($t) $t.Remove('5.bias') }; Pattern = "lacks '5.bias'.*shape \[6\]" }
        @{ Case = 'activation after the bottleneck'; Change = { param($t) $t.Remove('3.weight'); $t.Remove('3.bias'); $t['4.weight'] = 12, 3; $t['4.bias'] = @(12) }
           Pattern = "'4.weight'.*does not have.*0.weight, 0.bias, 2.weight, 2.bias, 3.weight, 3.bias, 5.weight, 5.bias.*shifts the module numbers" }
        @{ Case = 'state_dict of a module holding the Sequential'; Change = { param($t) $t.Insert(0, 'net.0.weight', @(12, 6)); $t.Remove('0.weight') }
           Pattern = "'net.0.weight'.*save seq.state_dict\(\)" }
    ) {
        $tensors = Get-FixtureShapes
        & $Change $tensors
        $weights = Join-Path $TestDrive 'bad.safetensors'
        Write-SafeTensors -Path $weights -Tensors $tensors
        # No -ErrorAction Stop: the error is terminating on its own.
        $err = { Import-AEModel -PyTorch $weights -Config (Join-Path $fixtures 'config.json') } |
            Should -Throw -ErrorId 'InvalidModelFile,PSAnomalyAE.Commands.ImportAEModelCommand' -PassThru
        $err.Exception.Message | Should -Match $Pattern
    }

    It 'stops on a layout the config cannot describe, a damaged file, a torch.save file and a missing file' {
        $config = Get-Content -Raw (Join-Path $fixtures 'config.json') | ConvertFrom-Json
        $config.layers = 6, 12, 3, 8, 6
        $odd = Join-Path $TestDrive 'odd.json'
        $config | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $odd
        $err = { Import-AEModel -PyTorch (Join-Path $fixtures 'model.safetensors') -Config $odd } | Should -Throw -ErrorId 'InvalidModelFile,*' -PassThru
        $err.Exception.Message | Should -Match 'not symmetric \(12 and 8\)'

        $cut = Join-Path $TestDrive 'cut.safetensors'
        $bytes = [IO.File]::ReadAllBytes((Join-Path $fixtures 'model.safetensors'))
        [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 9)])
        { Import-AEModel -PyTorch $cut -Config (Join-Path $fixtures 'config.json') } | Should -Throw -ErrorId 'InvalidModelFile,*'

        $err = { Import-AEModel -PyTorch (Join-Path $fixtures 'model.pt') -Config (Join-Path $fixtures 'config.json') } | Should -Throw -ErrorId 'InvalidModelFile,*' -PassThru
        $err.Exception.Message | Should -Match 'is a torch.save file'
        $err.ErrorDetails.RecommendedAction | Should -Match 'save_file\(torch.load\('

        $missing = Join-Path $TestDrive 'missing.safetensors'
        $err = { Import-AEModel -PyTorch $missing } | Should -Throw -ErrorId 'ModelFileNotFound,*' -PassThru
        $err.TargetObject | Should -Be $missing
    }
}

Describe 'Export-AEModel -Format PyTorch' {
    BeforeAll {
        $model = New-MetricRows -Count 400 -Seed 1 | Invoke-AETraining -Seed 1 -Epochs 20 -HiddenSize 8 -LatentSize 2 -Scoring Reconstruction
        $rowsCsv = Join-Path $TestDrive 'rows.csv'
        New-MetricRows -Count 50 -Seed 2 | Export-Csv -LiteralPath $rowsCsv
    }

    It 'writes weights and config that import back and score exactly as the model does' {
        $dir = Join-Path $TestDrive 'export'
        $null = New-Item -ItemType Directory -Path $dir
        $files = Export-AEModel -Model $model -Format PyTorch -Path (Join-Path $dir 'model.safetensors') -Name web -PassThru
        $files.Name | Should -Be 'model.safetensors', 'model.json'
        $files | Should -BeOfType [IO.FileInfo]
        (Get-Content -Raw (Join-Path $dir 'model.json') | ConvertFrom-Json).name | Should -Be 'web'

        $back = Import-AEModel -PyTorch (Join-Path $dir 'model.safetensors')
        $back.Name | Should -Be 'web'
        $back.SourcePath | Should -Be (Join-Path $dir 'model.safetensors')
        $back.FeatureNames | Should -Be $model.FeatureNames
        $back.Threshold | Should -Be $model.Threshold
        $here = Import-Csv $rowsCsv | Measure-AEReconstructionError -Model $model
        $there = Import-Csv $rowsCsv | Measure-AEReconstructionError -Model $back
        $there.Score | Should -Be $here.Score
    }

    It 'names a model whose config has no name after its weights file' {
        $dir = Join-Path $TestDrive 'nameless'
        $null = New-Item -ItemType Directory -Path $dir
        Export-AEModel -Model $model -Format PyTorch -Path (Join-Path $dir 'db01.safetensors')
        $config = Get-Content -Raw (Join-Path $dir 'db01.json') | ConvertFrom-Json -AsHashtable
        $config.Remove('name')
        $config | ConvertTo-Json -Depth 10 | Set-Content (Join-Path $dir 'db01.json')
        $back = Import-AEModel -PyTorch (Join-Path $dir 'db01.safetensors')
        $back.Name | Should -Be 'db01'
        $back.SourcePath | Should -Be (Join-Path $dir 'db01.safetensors')
    }

    It $PythonTestName -Skip:([bool] $PythonSkip) {
        $dir = Join-Path $TestDrive 'python'
        $null = New-Item -ItemType Directory -Path $dir
        Export-AEModel -Model $model -Format PyTorch -Path (Join-Path $dir 'model.safetensors') -ConfigPath (Join-Path $dir 'config.json')
        Import-Csv $rowsCsv | Measure-AEReconstructionError -Model $model |
            ForEach-Object { [pscustomobject]@{ Score = $_.Score.ToString('R', $inv) } } |
            Export-Csv -LiteralPath (Join-Path $dir 'errors.csv')
        $output = & /usr/bin/python3 (Join-Path $fixtures 'make_pytorch_fixtures.py') --check $dir --rows $rowsCsv 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        "$output" | Should -Match 'rows 50, max abs diff'
    }

    It 'refuses a model that is not one plain nn.Sequential, before writing anything' {
        $vae = New-MetricRows -Count 200 -Seed 1 | Invoke-AETraining -Architecture Variational -Seed 1 -Epochs 2
        $path = Join-Path $TestDrive 'vae.safetensors'
        $err = { Export-AEModel -Model $vae -Format PyTorch -Path $path } | Should -Throw -ErrorId 'InvalidArgument,*' -PassThru
        $err.Exception.Message | Should -Match 'Variational'
        Join-Path $TestDrive 'vae.*' | Should -Not -Exist
    }

    It 'refuses a model whose score adds the neighbour distance, and says how to train one it can export' {
        $default = New-MetricRows -Count 200 -Seed 1 | Invoke-AETraining -Seed 1 -Epochs 2
        $err = { Export-AEModel -Model $default -Format PyTorch -Path (Join-Path $TestDrive 'default.safetensors') } | Should -Throw -ErrorId 'InvalidArgument,*' -PassThru
        $err.Exception.Message | Should -Match '-Scoring Reconstruction'
        Join-Path $TestDrive 'default.*' | Should -Not -Exist
    }

    It '-WhatIf writes nothing, and existing files need -Force' {
        $weights = Join-Path $TestDrive 'whatif.safetensors'
        Export-AEModel -Model $model -Format PyTorch -Path $weights -WhatIf
        Join-Path $TestDrive 'whatif.*' | Should -Not -Exist

        Set-Content -LiteralPath (Join-Path $TestDrive 'whatif.json') -Value 'keep me'
        { Export-AEModel -Model $model -Format PyTorch -Path $weights } | Should -Throw -ErrorId 'ModelFileExists,*'
        Get-Content -LiteralPath (Join-Path $TestDrive 'whatif.json') | Should -Be 'keep me'
        $weights | Should -Not -Exist
        Export-AEModel -Model $model -Format PyTorch -Path $weights -Force
        (Import-AEModel -PyTorch $weights).IsTrained | Should -BeTrue
    }

    It 'shows the Python that rebuilds the network in its help' {
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'PSAnomalyAE'
        $engine = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'PSAnomalyAE.Engine' }
        $snippet = $engine.GetType('PSAnomalyAE.Engine.Persistence.PyTorchInterop', $true).GetField('PythonSnippet').GetRawConstantValue()
        $codes = (Get-Help Export-AEModel -Examples).Examples.Example.Code
        ($codes | ForEach-Object { $_ -replace "`r" }) | Should -Contain ($snippet -replace "`r")
    }
}
