// Statements capability: the schedule group that holds the daily statement schedule (Europe/Tallinn).
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

export class Statements extends Construct {
  readonly scheduleGroup: CfnScheduleGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.scheduleGroup = new CfnScheduleGroup(this, 'Schedules', {});
  }
}
