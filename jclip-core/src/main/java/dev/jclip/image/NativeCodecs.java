package dev.jclip.image;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The gate to the native libraries that Pillow itself decodes with (libdeflate, libjpeg-turbo):
 * the decoders call them through the FFM API when they are installed, and keep their pure-Java
 * paths otherwise, with the same pixels and errors either way.
 *
 * <p>They are used only when this module may call native code ({@code --enable-native-access}
 * names it, or {@code ALL-UNNAMED} on the class path, as the CLI jar's manifest does), so that a
 * library user never sees the JDK's warning about restricted methods, and unless the system
 * property {@value #PROPERTY} is {@code false}, read at each decode so that tests can compare both paths.
 */
final class NativeCodecs {
    /** The system property that turns the native libraries off when {@code false}. */
    static final String PROPERTY = "jclip.nativeCodecs";

    private NativeCodecs() {
    }

    /** Whether native libraries may be used now: native access, and the property not {@code false}. */
    static boolean enabled() {
        return NativeCodecs.class.getModule().isNativeAccessEnabled()
                && !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
    }

    /**
     * The library with this soname as the dynamic linker finds it, loaded for the life of the JVM;
     * empty when it is not installed or native access is off. Callers look it up once (in a holder class).
     */
    static Optional<SymbolLookup> library(String soname) {
        if (!NativeCodecs.class.getModule().isNativeAccessEnabled()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SymbolLookup.libraryLookup(soname, Arena.global()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not installed
        }
    }

    /**
     * A handle on the C function {@code name} of {@code library}, or null when the library is
     * absent; throws if the library lacks the function.
     */
    static MethodHandle function(Optional<SymbolLookup> library, String name, FunctionDescriptor descriptor) {
        return library.map(l -> Linker.nativeLinker().downcallHandle(l.findOrThrow(name), descriptor)).orElse(null);
    }
}
