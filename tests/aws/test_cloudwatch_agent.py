"""fixers.aws.cloudwatch_agent: the configuration an AmazonCloudWatch-* SSM parameter holds (read once
per module, its unknown parts UNKNOWN), and the configurations a user data script loads."""

from __future__ import annotations

from fixers.aws.cloudwatch_agent import agent_config, configs_loaded, looks_like_agent_config
from fixers.evaluate import UNKNOWN
from fixers.hcl.source import decode
from fixers.module import Module, parse_file

PARAMETERS = """
variable "log_group" {
  type = string
}

resource "aws_ssm_parameter" "agent" {
  name = "AmazonCloudWatch-web"
  type = "String"
  value = jsonencode({
    metrics = { metrics_collected = { mem = { measurement = ["mem_used_percent"] } } }
    logs = {
      logs_collected = {
        files = { collect_list = [{ file_path = "/var/log/app.log", log_group_name = var.log_group }] }
      }
    }
  })
}

resource "aws_ssm_parameter" "json_text" {
  name  = "AmazonCloudWatch-json"
  type  = "String"
  value = "{\\"logs\\": {\\"logs_collected\\": {}}}"
}

resource "aws_ssm_parameter" "broken" {
  name  = "AmazonCloudWatch-broken"
  type  = "String"
  value = "{not json"
}

resource "aws_ssm_parameter" "other" {
  name  = "/app/db-host"
  type  = "String"
  value = "db.internal"
}

resource "aws_ssm_parameter" "unnamed" {
  name  = var.log_group
  type  = "String"
  value = jsonencode({ metrics = { metrics_collected = {} } })
}
"""


def module_of(text: str = PARAMETERS) -> Module:
    return Module.build(".", [parse_file(decode("main.tf", text.encode()))])


def test_a_jsonencoded_configuration_keeps_its_known_sections_around_an_unknown_value():
    module = module_of()
    config = agent_config(module, module.find("aws_ssm_parameter.agent"))
    assert config["metrics"] == {"metrics_collected": {"mem": {"measurement": ["mem_used_percent"]}}}
    entry = config["logs"]["logs_collected"]["files"]["collect_list"][0]
    assert entry == {"file_path": "/var/log/app.log", "log_group_name": UNKNOWN}


def test_a_json_string_is_parsed_and_an_invalid_one_is_unknown():
    module = module_of()
    assert agent_config(module, module.find("aws_ssm_parameter.json_text")) == {
        "logs": {"logs_collected": {}}
    }
    assert agent_config(module, module.find("aws_ssm_parameter.broken")) is UNKNOWN


def test_a_parameter_not_named_like_an_agent_configuration_is_none():
    module = module_of()
    assert agent_config(module, module.find("aws_ssm_parameter.other")) is None
    assert agent_config(module, module.find("aws_ssm_parameter.unnamed")) is None
    # ...but one whose name is unknown is recognised by its sections.
    assert looks_like_agent_config(module.find("aws_ssm_parameter.unnamed"))
    assert not looks_like_agent_config(module.find("aws_ssm_parameter.other"))


def test_the_configuration_is_read_once_per_module():
    module = module_of()
    parameter = module.find("aws_ssm_parameter.agent")
    assert agent_config(module, parameter) is agent_config(module, parameter)


def test_a_script_loads_the_configurations_it_names_by_parameter_name_or_by_reference():
    module = module_of()
    script = (
        "amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ssm:AmazonCloudWatch-json\n"
        "amazon-cloudwatch-agent-ctl -a append-config -c ssm:${aws_ssm_parameter.agent.name} -s\n"
    )
    configs = configs_loaded(module, script)
    assert configs is not None and len(configs) == 2
    assert configs[0] == {"logs": {"logs_collected": {}}}
    assert "metrics" in configs[1]


def test_configurations_that_cannot_all_be_read_give_none():
    module = module_of()
    assert configs_loaded(module, "yum install -y amazon-cloudwatch-agent\n") is None  # never loaded
    assert (
        configs_loaded(module, "amazon-cloudwatch-agent-ctl -a fetch-config -c file:/opt/cw.json\n") is None
    )
    assert (
        configs_loaded(module, "amazon-cloudwatch-agent-ctl -a fetch-config -c ssm:ElsewhereDefined\n")
        is None
    )
    assert configs_loaded(module, "amazon-cloudwatch-agent-ctl -c ssm:AmazonCloudWatch-broken\n") is None
    assert (
        configs_loaded(
            module,
            "amazon-cloudwatch-agent-ctl -c ssm:AmazonCloudWatch-json\n"
            "amazon-cloudwatch-agent-ctl -c ssm:${aws_ssm_parameter.other.name}\n",
        )
        is None
    )
