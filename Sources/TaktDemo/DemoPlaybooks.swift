import Foundation
public import TaktCore

/// The playbooks the demo plant ships with: the six classic disruptions of a make-to-order plant (a late
/// semi-finished component, a missing pallet, a slow machine, a quality hold on a supplier lot, a promise that does
/// not fit capacity, a rush order) and the other events the orchestrator reacts to (a breakdown, scrap, a projected
/// shortage, a late supplier delivery, a cancelled sales order, any other late operation, an absent operator).
///
/// Playbooks are data: each can be changed through `PUT /api/v1/playbooks/{id}` (see docs/playbooks.md).
/// When several match an event, the first by ID wins; the conditions here are written so that at most one does.
public enum DemoPlaybooks {
    public static var all: [Playbook] {
        [
            Playbook(
                id: "PB-COMPONENT-LATE",
                name: "Delayed semi-finished component",
                description: "An operation making a semi-finished part (housing, shaft, impeller) runs late, so the assembly "
                    + "waiting for it slips. Try overtime or another cell first, then resequence; re-promise only if the customer date is lost.",
                event: "operationDelayReported",
                conditions: [PlaybookCondition(field: "context.itemKind", op: .eq, value: .string("semi-finished"))],
                exceptionKind: .operationLate,
                severity: .high,
                functions: [.production, .planning, .sales],
                actions: [.addOvertime, .moveToAlternativeWorkCenter, .resequence, .repromise],
                tasks: [ExceptionTask(role: .supervisor, text: "Confirm the new finish time with the cell and whether overtime can be staffed")],
                notify: [.planner, .supervisor, .sales]
            ),
            Playbook(
                id: "PB-MACHINE-DOWN",
                name: "Machine breakdown",
                description: "A work center stops with a fault, until the repair time maintenance reports (else assumed two hours); "
                    + "move work to an alternative work center, add overtime or resequence.",
                event: "machineStateChanged",
                conditions: [PlaybookCondition(field: "state", op: .eq, value: .string("down"))],
                exceptionKind: .machineDown,
                severity: .high,
                functions: [.production, .planning],
                actions: [.moveToAlternativeWorkCenter, .addOvertime, .resequence, .repromise],
                tasks: [ExceptionTask(role: .supervisor, text: "Get maintenance to the machine and report the expected repair time")],
                notify: [.supervisor, .planner],
                assumedDurationMinutes: 120
            ),
            Playbook(
                id: "PB-MACHINE-SLOW",
                name: "Machine slowdown",
                description: "A work center produces below its ideal rate (worn tool, material, a stand-in operator): it loses "
                    + "(1 − actual ÷ ideal) of its working time until maintenance expects it back at full rate (else for eight hours).",
                event: "machineStateChanged",
                conditions: [PlaybookCondition(field: "state", op: .eq, value: .string("slow"))],
                exceptionKind: .machineSlow,
                severity: .medium,
                functions: [.production, .planning],
                actions: [.moveToAlternativeWorkCenter, .addOvertime, .resequence, .repromise],
                tasks: [ExceptionTask(role: .supervisor, text: "Have maintenance check the machine and say when it reaches its ideal rate again")],
                notify: [.supervisor, .planner],
                assumedDurationMinutes: 480
            ),
            Playbook(
                id: "PB-MATERIAL-MISSING",
                name: "Missing pallet",
                description: "A pallet or lot is not where the plant says it is, so the operations it feeds cannot start. "
                    + "Pick another lot of the same item, use an approved substitute, expedite a purchase, or run other work now; "
                    + "assumed lost for a day.",
                event: "materialMissing",
                exceptionKind: .materialMissing,
                severity: .high,
                functions: [.warehouse, .production],
                actions: [.pickAnotherLot, .substituteMaterial, .expeditePurchase, .resequence, .repromise],
                tasks: [
                    ExceptionTask(role: .warehouse, text: "Search the last known location and the route to the line; report the pallet found or lost")
                ],
                notify: [.warehouse, .planner],
                assumedDurationMinutes: 1440
            ),
            Playbook(
                id: "PB-OPERATOR-ABSENT",
                name: "Operator absent",
                description: "A supervisor reports someone away (sick, training, leave). Work needing a skill nobody else present "
                    + "holds waits until they are back; resequence, add overtime after their return, or re-promise.",
                event: "absenceReported",
                exceptionKind: .operatorAbsent,
                severity: .medium,
                functions: [.labour, .production, .planning],
                actions: [.resequence, .addOvertime, .repromise],
                tasks: [
                    ExceptionTask(role: .supervisor, text: "Assign a certified stand-in for each work center on the list, or plan a certification")
                ],
                notify: [.supervisor, .planner]
            ),
            Playbook(
                id: "PB-OPERATION-LATE",
                name: "Operation running late",
                description: "An operation on a finished or purchased-item order overruns (a late semi-finished component has its own playbook).",
                event: "operationDelayReported",
                conditions: [PlaybookCondition(field: "context.itemKind", op: .ne, value: .string("semi-finished"))],
                exceptionKind: .operationLate,
                severity: .medium,
                functions: [.production, .planning],
                actions: [.addOvertime, .moveToAlternativeWorkCenter, .resequence, .repromise],
                notify: [.planner, .supervisor]
            ),
            Playbook(
                id: "PB-PROMISE-CAPACITY",
                name: "Order promise does not fit capacity",
                description: "Sales promised a line for a date before the production order serving it is due or scheduled to finish.",
                event: "salesOrderLinePromised",
                conditions: [PlaybookCondition(field: "context.promiseGapMinutes", op: .gt, value: .number(0))],
                exceptionKind: .promiseNotFeasible,
                severity: .medium,
                functions: [.sales, .planning],
                actions: [.resequence, .addOvertime, .repromise],
                tasks: [ExceptionTask(role: .sales, text: "Agree a feasible date with the customer unless the plan can be changed")],
                notify: [.sales, .planner]
            ),
            Playbook(
                id: "PB-RUSH-ORDER",
                name: "Rush request from sales",
                description: "A sales order arrives with priority 1. Insert its production into the plan, with overtime if needed, "
                    + "and re-promise what it pushes out.",
                event: "salesOrderCreated",
                conditions: [PlaybookCondition(field: "priority", op: .eq, value: .number(1))],
                exceptionKind: .rushOrder,
                severity: .high,
                functions: [.sales, .planning, .production],
                actions: [.insertOrder, .addOvertime, .repromise],
                tasks: [ExceptionTask(role: .planner, text: "Confirm to sales which option was taken and the date the rush order can ship")],
                notify: [.planner, .sales, .supervisor]
            ),
            Playbook(
                id: "PB-SALES-ORDER-CANCELLED",
                name: "Cancelled sales order",
                description: "A customer cancels. The production orders serving the order free capacity; decide whether to stop them.",
                event: "salesOrderCancelled",
                exceptionKind: .salesOrderChanged,
                severity: .low,
                functions: [.sales, .planning, .production],
                actions: [.cancelOrder, .resequence],
                tasks: [ExceptionTask(role: .planner, text: "Decide what happens to the production orders that served the order")],
                notify: [.planner, .sales]
            ),
            Playbook(
                id: "PB-SCRAP",
                name: "Scrap beyond plan",
                description: "Scrap was reported on an operation (the plan allows none), so the scrapped quantity has to be made again.",
                event: "quantityReported",
                conditions: [PlaybookCondition(field: "scrap", op: .gt, value: .number(0))],
                exceptionKind: .scrapBeyondPlan,
                severity: .medium,
                functions: [.production, .quality, .planning],
                actions: [.addOvertime, .moveToAlternativeWorkCenter, .resequence, .repromise],
                tasks: [ExceptionTask(role: .quality, text: "Find the cause of the scrap; open a nonconformance if the process is at fault")],
                notify: [.supervisor, .quality, .planner]
            ),
            Playbook(
                id: "PB-SHORTAGE",
                name: "Projected material shortage",
                description: "The projection of an item against the schedule goes negative before the next delivery.",
                event: "shortageProjected",
                conditions: [PlaybookCondition(field: "shortage.shortBy", op: .gt, value: .number(0))],
                exceptionKind: .shortageProjected,
                severity: .high,
                functions: [.warehouse, .purchasing, .planning],
                actions: [.expeditePurchase, .substituteMaterial, .resequence, .repromise],
                tasks: [ExceptionTask(role: .planner, text: "Ask the supplier whether the next delivery can come earlier")],
                notify: [.planner, .warehouse],
                assumedDurationMinutes: 7200
            ),
            Playbook(
                id: "PB-SUPPLIER-LATE",
                name: "Late supplier delivery",
                description: "A supplier re-announces a delivery (same purchase order) for a later date than before.",
                event: "receiptExpected",
                conditions: [PlaybookCondition(field: "context.delayMinutes", op: .gt, value: .number(0))],
                exceptionKind: .supplierReceiptLate,
                severity: .medium,
                functions: [.purchasing, .warehouse, .planning],
                actions: [.expeditePurchase, .substituteMaterial, .resequence, .repromise],
                tasks: [ExceptionTask(role: .planner, text: "Ask the supplier for a partial delivery by the original date")],
                notify: [.planner, .warehouse]
            ),
            Playbook(
                id: "PB-SUPPLIER-LOT-HOLD",
                name: "Quality hold on a supplier lot",
                description: "Quality holds every lot of a supplier lot (a supplier notice or a failed incoming inspection). "
                    + "Re-inspect and release what passes, use other lots or an approved substitute, or re-make finished goods a "
                    + "customer waits for; shipped lots are recall candidates and sales tells their customers; assumed held for two days.",
                event: "holdPlaced",
                conditions: [PlaybookCondition(field: "kind", op: .eq, value: .string("supplier-lot"))],
                exceptionKind: .qualityHold,
                severity: .high,
                functions: [.quality, .warehouse, .purchasing, .production],
                actions: [.reinspectAndRelease, .pickAnotherLot, .substituteMaterial, .remake, .repromise],
                tasks: [
                    ExceptionTask(role: .quality, text: "Re-inspect the held lots with the tightened plan"),
                    ExceptionTask(role: .planner, text: "Tell the supplier about the hold and ask for a replacement delivery"),
                ],
                notify: [.quality, .warehouse, .planner],
                assumedDurationMinutes: 2880
            ),
            Playbook(
                id: "PB-DOC-CERTIFICATE-OUT-OF-SPEC",
                name: "Certificate of analysis out of spec",
                description: "A verified supplier certificate gives values outside the item's inspection plan limits. Propose a "
                    + "quality hold on the supplier lot (and what was made from it), with what holding it does to the plan; assumed held for two days.",
                event: "documentVerified",
                conditions: [
                    PlaybookCondition(field: "kind", op: .eq, value: .string(DocumentKind.certificate.rawValue)),
                    PlaybookCondition(field: "check.outOfSpec", op: .gt, value: .number(0)),
                ],
                exceptionKind: .qualityHold,
                severity: .high,
                functions: [.quality, .purchasing, .warehouse],
                actions: [.placeHold],
                tasks: [ExceptionTask(role: .quality, text: "Ask the supplier about the out-of-spec values and decide on the material")],
                notify: [.quality, .warehouse],
                assumedDurationMinutes: 2880
            ),
            Playbook(
                id: "PB-DOC-CUSTOMER-ORDER",
                name: "Customer purchase order",
                description: "A verified customer purchase order is new, or changes the sales order it names. Assess the proposed "
                    + "sales order like a rush request: take it, insert its production, with overtime or resequencing where that helps.",
                event: "documentVerified",
                conditions: [
                    PlaybookCondition(field: "kind", op: .eq, value: .string(DocumentKind.customerOrder.rawValue)),
                    PlaybookCondition(field: "check.proposedLines", op: .gt, value: .number(0)),
                ],
                exceptionKind: .rushOrder,
                severity: .medium,
                functions: [.sales, .planning, .production],
                actions: [.insertOrder, .addOvertime, .resequence],
                tasks: [ExceptionTask(role: .sales, text: "Confirm the order to the customer with the date the chosen plan gives")],
                notify: [.sales, .planner]
            ),
        ]
    }
}
