import ArgumentParser

// Owned by the scheduling work (issue 3): replaced by the real commands.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schedule")
}
struct BenchJSSPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jssp")
}
struct BenchRepairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repair")
}
