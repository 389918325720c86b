import ArgumentParser

@main
struct Takt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "takt",
        abstract: "Takt: manufacturing operations orchestration.",
        subcommands: [Bench.self, ScheduleCommand.self]
    )
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks; each prints its figures and ends with one JSON line.",
        subcommands: [BenchJSSPCommand.self, BenchRepairCommand.self]
    )
}
