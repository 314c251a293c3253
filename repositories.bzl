"""External repositories for ruzu, all offline.

ruzu builds with Debian's Bazel 4.2.3 and Debian's system libraries. Bazel
would otherwise download rules_cc, rules_java and remote_coverage_tools; we
provide small local stand-ins instead. Another workspace that uses ruzu calls
`ruzu_dependencies()` from its WORKSPACE after `local_repository(name = "ruzu")`.
"""

_RULES_CC_DEFS = '''
"""Local stand-in for rules_cc: re-exports Bazel's native C++ rules."""
def cc_binary(**kwargs):
    native.cc_binary(**kwargs)
def cc_library(**kwargs):
    native.cc_library(**kwargs)
def cc_test(**kwargs):
    native.cc_test(**kwargs)
def cc_import(**kwargs):
    native.cc_import(**kwargs)
def cc_proto_library(**kwargs):
    native.cc_proto_library(**kwargs)
def cc_toolchain(**kwargs):
    native.cc_toolchain(**kwargs)
def cc_toolchain_suite(**kwargs):
    native.cc_toolchain_suite(**kwargs)
def objc_library(**kwargs):
    native.objc_library(**kwargs)
'''

_RULES_JAVA_DEFS = '''
"""Local stand-in for rules_java: re-exports Bazel's native Java rules."""
def java_binary(**kwargs):
    native.java_binary(**kwargs)
def java_import(**kwargs):
    native.java_import(**kwargs)
def java_library(**kwargs):
    native.java_library(**kwargs)
def java_plugin(**kwargs):
    native.java_plugin(**kwargs)
def java_test(**kwargs):
    native.java_test(**kwargs)
def java_proto_library(**kwargs):
    native.java_proto_library(**kwargs)
def java_runtime(**kwargs):
    native.java_runtime(**kwargs)
def java_toolchain(**kwargs):
    native.java_toolchain(**kwargs)
'''

_COVERAGE_BUILD = '''
package(default_visibility = ["//visibility:public"])
sh_binary(name = "coverage_report_generator", srcs = ["unsupported.sh"])
sh_binary(name = "lcov_merger", srcs = ["unsupported.sh"])
'''

def _stand_in_impl(ctx):
    ctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % ctx.name)
    for path, content in ctx.attr.files.items():
        ctx.file(path, content, executable = path.endswith(".sh"))

_stand_in = repository_rule(
    implementation = _stand_in_impl,
    attrs = {"files": attr.string_dict()},
    local = True,
)

def ruzu_dependencies():
    """Declares every repository ruzu needs; call once from a WORKSPACE."""
    if not native.existing_rule("rules_cc"):
        _stand_in(name = "rules_cc", files = {
            "BUILD.bazel": "",
            "cc/BUILD.bazel": "",
            "cc/defs.bzl": _RULES_CC_DEFS,
        })
    if not native.existing_rule("rules_java"):
        _stand_in(name = "rules_java", files = {
            "BUILD.bazel": "",
            "java/BUILD.bazel": "",
            "java/defs.bzl": _RULES_JAVA_DEFS,
        })
    if not native.existing_rule("remote_coverage_tools"):
        _stand_in(name = "remote_coverage_tools", files = {
            "BUILD.bazel": _COVERAGE_BUILD,
            "unsupported.sh": "#!/bin/sh\necho 'coverage tools are not available offline' >&2\nexit 1\n",
        })
    if not native.existing_rule("ruzu_system"):
        native.new_local_repository(
            name = "ruzu_system",
            path = "/usr",
            build_file = "@ruzu//third_party:system.BUILD",
        )
