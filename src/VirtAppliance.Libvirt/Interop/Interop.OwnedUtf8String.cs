using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    /// <summary>
    /// Marshals a char* that libvirt malloc'd for the caller: copies it and frees it with free(),
    /// exactly once, even when the copy fails. Functions returning a const char* (owned by libvirt)
    /// must return byte* instead.
    /// </summary>
    [CustomMarshaller(typeof(string), MarshalMode.ManagedToUnmanagedOut, typeof(OwnedUtf8String))]
    internal static unsafe class OwnedUtf8String
    {
        public static string? ConvertToManaged(byte* unmanaged) =>
            unmanaged is null ? null : Marshal.PtrToStringUTF8((nint)unmanaged);

        // NativeMemory.Free is C's free() on Unix, which is what libvirt's callers must use.
        public static void Free(byte* unmanaged) => NativeMemory.Free(unmanaged);
    }
}
