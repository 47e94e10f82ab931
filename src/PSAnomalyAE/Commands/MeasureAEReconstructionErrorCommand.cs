using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Measure-AEReconstructionError: emits every input row with its ReconstructionError and per-feature FeatureErrors
/// added, in input order.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AEReconstructionError", DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(PSObject))]
public sealed class MeasureAEReconstructionErrorCommand : ScoringCommand
{
    private protected override void Emit(ScoreResult result, int index)
    {
        PSObject output = OutputRow(index);
        if (double.IsNaN(result.Errors[index]))
        {
            // The model reads windows and this row has too few rows before it: no score yet.
            SetProperty(output, OutputProperty.ReconstructionError, null);
            SetProperty(output, OutputProperty.FeatureErrors, null);
            WriteObject(output);
            return;
        }

        SetProperty(output, OutputProperty.ReconstructionError, result.Errors[index]);
        var perFeature = new PSObject();
        double[] columns = result.ColumnErrors(index);
        for (int c = 0; c < columns.Length; c++)
        {
            perFeature.Properties.Add(new PSNoteProperty(Features[c], columns[c]));
        }

        SetProperty(output, OutputProperty.FeatureErrors, perFeature);
        WriteObject(output);
    }
}
