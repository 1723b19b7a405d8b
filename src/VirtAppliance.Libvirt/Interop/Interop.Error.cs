using System.Runtime.InteropServices;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    /// <summary>The leading fields of struct _virError (virterror.h); we never allocate one.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ErrorNative
    {
        public int Code;
        public int Domain;
        public nint Message;
        public int Level;
    }

    /// <summary>The calling thread's last error (owned by libvirt, valid until the next call), or null.</summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial ErrorNative* virGetLastError();

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void virResetLastError();

    /// <summary>Replaces libvirt's default handler, which prints every error to stderr.</summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial void virSetErrorFunc(nint userData, delegate* unmanaged<nint, ErrorNative*, void> handler);
}
