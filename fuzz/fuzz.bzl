"""ruzu_fuzz_target: one libFuzzer binary per fuzz target (see fuzz/BUILD.bazel)."""

def ruzu_fuzz_target(name, entry, deps):
    """A fuzz binary whose LLVMFuzzerTestOneInput calls ruzu::fuzz::<entry>.

    Under `--config=fuzz` (which sets --define=ruzu_fuzz=libfuzzer) it links
    libFuzzer's main; otherwise fuzz/standalone_main.cc, which runs the files
    named on the command line, so the default g++ build compiles and links
    every target.

    Args:
      name: the binary's name.
      entry: the function of fuzz/fuzz_targets.h to call.
      deps: the library defining it.
    """
    native.cc_binary(
        name = name,
        testonly = True,
        srcs = ["fuzz_entry.cc"] + select({
            "//fuzz:libfuzzer": [],
            "//conditions:default": ["standalone_main.cc"],
        }),
        local_defines = ["RUZU_FUZZ_ENTRY=" + entry],
        linkopts = select({
            "//fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = deps + ["//fuzz:fuzz_targets_h"],
    )
