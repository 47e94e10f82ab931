using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psae-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AnomalyModel Trained()
    {
        var model = new AnomalyModel(new ModelSpec { Epochs = 5, Seed = 7, HiddenSize = new[] { 12, 6 }, LatentSize = 2, Scaling = ScalingMethod.MinMax });
        model.Train(TestData.Names(6), TestData.LowRank(300, 6, 2, 0.1, 7), 300);
        return model;
    }

    [Fact]
    public void A_saved_model_loads_and_scores_identically()
    {
        using AnomalyModel model = Trained();
        model.SetThreshold(new ThresholdChoice(0.25, "Percentile", 95, 60, "test"), Array.Empty<double>());
        string path = Path.Combine(_dir, "m.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);

        using AnomalyModel loaded = ModelFile.Load(path);
        double[] probe = TestData.LowRank(40, 6, 2, 0.3, 1);
        Assert.Equal(model.Score(probe, 40).Scores, loaded.Score(probe, 40).Scores);
        Assert.Equal(model.FeatureNames, loaded.FeatureNames);
        Assert.Equal(model.Threshold, loaded.Threshold);
        Assert.Equal(model.History, loaded.History);
        Assert.Equal(model.Scaler!.Offset, loaded.Scaler!.Offset);
        Assert.Equal(ScalingMethod.MinMax, loaded.Spec.Scaling);
        Assert.Equal(new[] { 12, 6 }, loaded.Shape!.HiddenSize);
        Assert.Equal(model.ValidationErrors, loaded.ValidationErrors);
        Assert.Equal(model.Training, loaded.Training);
    }

    [Fact]
    public void A_file_read_for_a_command_says_when_it_is_checked_and_scores_as_one_read_at_once()
    {
        // A command starts libtorch's load when the checksum is verified, and the network is built beside it; the
        // model is the same one, and a damaged file stops before the checksum is called verified.
        using AnomalyModel model = Trained();
        string path = Path.Combine(_dir, "m.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);
        double[] probe = TestData.LowRank(40, 6, 2, 0.3, 1);
        var steps = new List<string>();
        using (AnomalyModel beside = ModelFile.Load(path, () => steps.Add("checked"), buildInBackground: true))
        using (AnomalyModel atOnce = ModelFile.Load(path))
        {
            Assert.Equal(new[] { "checked" }, steps);
            Assert.True(beside.IsTrained);
            Assert.Equal(atOnce.Score(probe, 40).Scores, beside.Score(probe, 40).Scores);
            Assert.Equal(atOnce.ParameterCount, beside.ParameterCount);
        }

        // Disposed while its network may still be being built: nothing is left behind, and nothing throws.
        ModelFile.Load(path, null, buildInBackground: true).Dispose();

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        steps.Clear();
        Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(path, () => steps.Add("checked"), buildInBackground: true));
        Assert.Empty(steps);
    }

    [Fact]
    public void An_existing_file_is_kept_unless_overwrite_is_asked()
    {
        using AnomalyModel model = Trained();
        string path = Path.Combine(_dir, "m.aemodel");
        File.WriteAllText(path, "precious");
        Assert.Throws<IOException>(() => ModelFile.SaveAtomic(model, path, overwrite: false));
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public void A_save_that_fails_half_way_leaves_the_old_file_intact()
    {
        using AnomalyModel model = Trained();
        string path = Path.Combine(_dir, "m.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => ModelFile.SaveAtomic(model, path, overwrite: true, wrap: s => new FailingStream(s, failAfter: 500)));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left behind
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(-40)]
    [InlineData(-1)]
    public void A_truncated_file_is_reported_as_damaged(int cut)
    {
        using AnomalyModel model = Trained();
        using var ms = new MemoryStream();
        ModelFile.Save(model, ms);
        byte[] bytes = ms.ToArray();
        byte[] truncated = bytes[..(cut > 0 ? cut : bytes.Length + cut)];
        var ex = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(truncated, "x.aemodel"));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        Assert.Contains("not a PSAnomalyAE model file, or it is damaged", ex.Message);
    }

    [Fact]
    public void A_flipped_byte_anywhere_is_caught()
    {
        using AnomalyModel model = Trained();
        using var ms = new MemoryStream();
        ModelFile.Save(model, ms);
        byte[] bytes = ms.ToArray();
        foreach (int at in new[] { 20, bytes.Length / 2, bytes.Length - 100, bytes.Length - 1 })
        {
            byte[] copy = bytes.ToArray();
            copy[at] ^= 0x10;
            var ex = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(copy, "x"));
            Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        }
    }

    [Fact]
    public void A_foreign_or_newer_file_says_what_it_is()
    {
        var foreign = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load("PK\u0003\u0004 a zip file"u8.ToArray(), "x.zip"));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, foreign.Kind);

        using AnomalyModel model = Trained();
        using var ms = new MemoryStream();
        ModelFile.Save(model, ms);
        byte[] bytes = ms.ToArray();
        bytes[8] = 99; // format version
        var newer = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(bytes, "x"));
        Assert.Equal(AnomalyErrorKind.NewerModelFile, newer.Kind);
        Assert.Contains("version 99", newer.Message);
    }

    /// <summary>A stream that throws after a number of bytes, like a full disk.</summary>
    private sealed class FailingStream : Stream
    {
        private readonly Stream _inner;
        private long _left;

        public FailingStream(Stream inner, long failAfter)
        {
            _inner = inner;
            _left = failAfter;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length > _left)
            {
                _inner.Write(buffer[..(int)_left]);
                throw new IOException("No space left on device (simulated).");
            }

            _left -= buffer.Length;
            _inner.Write(buffer);
        }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
