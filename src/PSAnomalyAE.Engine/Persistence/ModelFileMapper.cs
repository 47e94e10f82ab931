namespace PSAnomalyAE.Engine.Persistence;

/// <summary>Maps a model to the records of its file header and back; the records are the format, the model the domain.</summary>
internal static class ModelFileMapper
{
    public static ModelRecord ToRecord(AnomalyModel model, IReadOnlyList<TensorEntry> tensors, string? createdBy, string? torchSharp)
    {
        ModelSpec spec = model.Spec;
        NetworkShape shape = model.Shape!;
        FeatureEncoding encoding = model.Encoding!;
        return new ModelRecord
        {
            Format = ModelFile.FormatName,
            Version = ModelFile.VersionFor(model),
            CreatedBy = createdBy,
            TorchSharp = torchSharp,
            Spec = spec,
            Features = encoding.Columns,
            Categories = encoding.HasCategorical ? encoding.Categories : null,
            Network = new NetworkRecord
            {
                Kind = spec.Kind.ToString(),
                InputSize = shape.InputSize,
                HiddenSize = shape.HiddenSize,
                LatentSize = shape.LatentSize,
                Activation = spec.Activation,
                SigmoidOutput = shape.SigmoidOutput,
                SparsityWeight = spec.Kind == AutoencoderKind.Sparse ? spec.SparsityWeight : 0,
                KLWeight = spec.Kind == AutoencoderKind.Variational ? spec.KLWeight : 0,
                Samples = spec.Kind == AutoencoderKind.Variational ? spec.Samples : 1,
                NoiseLevel = spec.Kind == AutoencoderKind.Denoising ? spec.NoiseLevel : 0,
                WindowSize = spec.WindowSize,
                ImageHeight = spec.ImageShape?[0] ?? 0,
                ImageWidth = spec.ImageShape?[1] ?? 0,
                SampleSize = shape.InputSize * spec.WindowSize,
            },
            Scaling = new ScalingRecord(model.Scaler!.Method, model.Scaler.Offset, model.Scaler.Scale),
            Pca = model.Pca is { } p ? new PcaRecord(p.Mean, p.Components, p.Count, p.ExplainedVariance) : null,
            History = model.History.Select(e => new EpochEntry(e.Epoch, e.TrainLoss, e.ValidationLoss, e.Seconds, e.IsBest, e.TrainReconstruction, e.TrainPenalty)).ToList(),
            Training = model.Training is { } t
                ? new TrainingRecord(t.Rows, t.TrainRows, t.ValidationRows, t.EpochsRun, t.BestEpoch, t.BestLoss, t.StoppedEarly, t.Cancelled, t.Seed, t.Threads, t.Seconds, t.TrainedAtUtc)
                : null,
            Threshold = model.Threshold is { } th ? new ThresholdRecord(th.Value, th.Method, th.Parameter, th.SampleCount, th.Source) : null,
            ValidationErrors = model.ValidationErrors,
            FeatureMeans = model.FeatureMeans,
            FeatureMin = model.Ranges?.Min,
            FeatureMax = model.Ranges?.Max,
            Tensors = tensors.ToList(),
            Name = model.Name,
            Description = model.Description,
            ScoreTerms = ScoreTermFile.ToRecords(model.ScoreTerms, model.ScoreChoice).Records,
            ScoreChoice = model.ScoreChoice is { } c ? ScoreChoiceFile.ToRecord(c) : null,
        };
    }

    /// <summary>
    /// Rebuilds the model; <paramref name="damaged"/> makes the error for a header whose parts disagree. With
    /// <paramref name="buildInBackground"/> the network is built beside the caller (<see cref="AnomalyModel.Restore"/>).
    /// </summary>
    public static AnomalyModel FromRecord(ModelRecord header, IReadOnlyList<WeightTensor> weights, Func<string, Exception> damaged, bool buildInBackground = false)
    {
        if (header.Spec is null || header.Network is null || header.Scaling is null || header.Features is null || header.Tensors is null)
        {
            throw damaged("its header lacks required parts.");
        }

        if (header.Categories is not null && header.Categories.Length != header.Features.Length)
        {
            throw damaged("its category lists do not match its features.");
        }

        ModelSpec spec = header.Spec;
        if (header.Network.Kind is { } kind && kind != spec.Kind.ToString())
        {
            throw damaged($"its network kind '{kind}' disagrees with its settings ('{spec.Kind}').");
        }

        var encoding = new FeatureEncoding(header.Features, header.Categories ?? new string[header.Features.Length][]);
        int width = encoding.Width;
        Pca? pca = null;
        Scaler scaler;
        try
        {
            if (header.Pca is { } p)
            {
                pca = new Pca(p.Mean, p.Components, p.Count, p.ExplainedVariance);
            }

            scaler = new Scaler(header.Scaling.Method, header.Scaling.Offset, header.Scaling.Scale);
            spec.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or AnomalyDetectionException)
        {
            throw damaged(ex.Message);
        }

        if (width == 0 || header.Network.InputSize != (pca?.Count ?? width) || scaler.Count != width || header.Network.HiddenSize is not { Length: > 0 })
        {
            throw damaged("its feature list, scaler and network disagree on the number of features.");
        }

        var shape = new NetworkShape(header.Network.InputSize, header.Network.HiddenSize, header.Network.LatentSize, header.Network.SigmoidOutput);
        IReadOnlyList<IScoreTerm> terms;
        ScoreChoice? choice = null;
        try
        {
            terms = ScoreTerms.Restore(ScoreTermFile.States(header, weights, damaged), new TermBatchShape(width, header.Network.InputSize, spec.WindowSize));
            choice = header.ScoreChoice is { } c ? ScoreChoiceFile.FromRecord(c, terms) : null;
            ScoreTermFile.RequireMarksAgree(header.ScoreTerms, choice);
            if (choice is null)
            {
                ScoreTerms.MethodOf(terms.Select(t => t.Name)); // the terms must make a score this version knows
            }
        }
        catch (AnomalyDetectionException ex) when (ex.Kind == AnomalyErrorKind.InvalidModelFile)
        {
            throw damaged(ex.Message);
        }

        HashSet<string> scoreTensors = ScoreTermFile.TensorNames(header);
        weights = weights.Where(w => !scoreTensors.Contains(w.Name)).ToList();

        AnomalyModel model = AnomalyModel.Restore(
            spec,
            encoding,
            scaler,
            pca,
            shape,
            weights,
            (header.History ?? new List<EpochEntry>()).Select(e => new EpochRecord(e.Epoch, e.TrainLoss, e.ValidationLoss, e.Seconds, e.IsBest, e.TrainReconstruction, e.TrainPenalty)).ToList(),
            TrainingFrom(header.Training),
            ThresholdFrom(header.Threshold),
            header.ValidationErrors ?? Array.Empty<double>(),
            header.FeatureMeans ?? Array.Empty<double>(),
            header.Name,
            header.Description,
            terms,
            choice,
            buildInBackground);
        model.Ranges = FeatureRanges.From(header.FeatureMin, header.FeatureMax, width);
        return model;
    }

    /// <summary>The threshold a header records, if any.</summary>
    public static ThresholdChoice? ThresholdFrom(ThresholdRecord? r) =>
        r is null ? null : new ThresholdChoice(r.Value, r.Method, r.Parameter, r.SampleCount, r.Source);

    /// <summary>The summary of the training a header records, if any.</summary>
    public static TrainingSummary? TrainingFrom(TrainingRecord? r) =>
        r is null ? null : new TrainingSummary(r.Rows, r.TrainRows, r.ValidationRows, r.EpochsRun, r.BestEpoch, r.BestLoss, r.StoppedEarly, r.Cancelled, r.Seed, r.Threads, r.Seconds, r.TrainedAtUtc);
}
