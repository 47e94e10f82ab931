using System.Management.Automation;
using PSAnomalyAE.Engine;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Measure-AEReconstructionError: emits every input row with its ReconstructionError and per-feature FeatureErrors
/// added, in input order.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AEReconstructionError")]
[OutputType(typeof(PSObject))]
public sealed class MeasureAEReconstructionErrorCommand : ScoringCommand
{
    private protected override void Emit(PSObject row, ScoreResult result, int index)
    {
        PSObject output = CopyOf(row);
        if (double.IsNaN(result.Errors[index]))
        {
            // The model reads windows and this row has too few rows before it: no score yet.
            SetProperty(output, "ReconstructionError", null);
            SetProperty(output, "FeatureErrors", null);
            WriteObject(output);
            return;
        }

        SetProperty(output, "ReconstructionError", result.Errors[index]);
        var perFeature = new PSObject();
        double[] columns = result.ColumnErrors(index);
        for (int c = 0; c < columns.Length; c++)
        {
            perFeature.Properties.Add(new PSNoteProperty(Features[c], columns[c]));
        }

        SetProperty(output, "FeatureErrors", perFeature);
        WriteObject(output);
    }
}
