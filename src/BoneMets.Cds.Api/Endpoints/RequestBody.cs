using System.Buffers;

namespace BoneMets.Cds.Api.Endpoints;

/// <summary>Reads request bodies (hook and feedback) up to the configured limit into pooled buffers.</summary>
internal static class RequestBody
{
    /// <summary>The body in a pooled buffer, or TooLarge when it exceeds <paramref name="limit"/> bytes (declared or actual).</summary>
    public static async Task<(PooledBody Body, bool TooLarge)> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            return (PooledBody.Empty, true);
        }

        var capacity = (int)Math.Min(limit + 1, request.ContentLength is { } len ? len + 1 : 64 * 1024);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 4096));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (PooledBody.Empty, true);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (PooledBody.Empty, true);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return (new PooledBody(buffer, length), false);
    }

    /// <summary>A request body in a pooled buffer.</summary>
    internal readonly struct PooledBody(byte[]? buffer, int length) : IDisposable
    {
        public static PooledBody Empty => new(null, 0);

        public int Length => length;

        public ReadOnlyMemory<byte> Memory => buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);

        public void Dispose()
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
